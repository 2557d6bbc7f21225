"""es7_server tests: the /_ubaflow fault injection API.

Whole-request HTTP status faults, item status faults, connection resets,
delays and their composition, refused connections (listening again later).

Run in tests/support:  /usr/bin/python3 -m unittest -v test_es7_faults
(all es7_server tests, as ctest does:  /usr/bin/python3 -m unittest discover -p "test_es7_*.py")
"""
import http.client
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from es7_testing import Client, ServerCase  # noqa: E402


class Faults(ServerCase):
    def fault(self, **spec):
        status, body, _ = self.es.request("POST", "/_ubaflow/faults", spec)
        self.assertEqual(status, 200, body)

    def test_http_status_faults(self):
        self.fault(mode="http_status", status=429, count=2)
        self.fault(mode="http_status", status=503, count=1)
        doc = ({"index": {"_index": "f", "_id": "1"}}, {"a": 1})
        for _ in range(2):
            err = self.assertError(self.es.bulk(*doc), 429, "es_rejected_execution_exception")
            self.assertTrue(err["reason"].startswith("rejected execution of coordinating operation"))
        self.assertError(self.es.bulk(*doc), 503, "cluster_block_exception",
                         "blocked by: [SERVICE_UNAVAILABLE/2/no master];")
        self.assertEqual(self.dump(), {})
        self.assertEqual(self.es.bulk(*doc)[0], 200)
        self.fault(mode="http_status", status=500)
        self.assertEqual(self.es.bulk(*doc)[0], 500)
        self.fault(mode="http_status", status=502)
        self.assertEqual(self.es.bulk(*doc)[0], 502)
        self.assertEqual(self.es.request("GET", "/_ubaflow/stats")[1]["faults_applied"]["http_status"], 5)

    def test_item_status_fault(self):
        self.fault(mode="item_status", status=429, count=2)
        items = self.items(self.es.bulk(*[x for i in range(3) for x in
                                          ({"index": {"_index": "f", "_id": str(i)}}, {"i": i})]), errors=True)
        self.assertEqual([i["status"] for i in items], [429, 429, 201])
        self.assertEqual(items[0]["error"]["type"], "es_rejected_execution_exception")
        self.assertNotIn("_version", items[0])
        self.assertEqual(self.dump(), {"f": {"2": {"i": 2}}})
        stats = self.es.request("GET", "/_ubaflow/stats")[1]
        self.assertEqual(stats["items_by_status"], {"429": 2, "201": 1})
        self.assertEqual((stats["bulk_requests"], stats["bulk_items"]), (1, 3))

    def test_reset_fault_closes_without_response(self):
        self.fault(mode="reset", count=1)
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
            self.es.bulk({"index": {"_index": "f", "_id": "1"}}, {"a": 1})
        self.es.close()
        self.assertEqual(self.dump(), {})
        self.assertEqual(self.es.bulk({"index": {"_index": "f", "_id": "1"}}, {"a": 1})[0], 200)

    def test_delay_fault_and_composition(self):
        self.es.request("POST", "/_ubaflow/faults", [{"mode": "delay", "ms": 300, "count": 1},
                                                     {"mode": "http_status", "status": 429, "count": 1}])
        listed = self.es.request("GET", "/_ubaflow/faults")[1]["faults"]
        self.assertEqual([f["mode"] for f in listed], ["delay", "http_status"])
        started = time.monotonic()
        self.assertEqual(self.es.bulk({"index": {"_index": "f"}}, {"a": 1})[0], 429)
        self.assertGreaterEqual(time.monotonic() - started, 0.3)
        self.assertEqual(self.es.request("GET", "/_ubaflow/faults")[1]["faults"], [])
        self.fault(mode="delay", ms=5000, count=3)
        self.assertEqual(self.es.request("DELETE", "/_ubaflow/faults")[0], 200)
        started = time.monotonic()
        self.assertEqual(self.es.bulk({"index": {"_index": "f"}}, {"a": 1})[0], 200)
        self.assertLess(time.monotonic() - started, 1)
        self.assertError(self.es.request("POST", "/_ubaflow/faults", {"mode": "explode"}), 400,
                         "illegal_argument_exception")

    def test_refuse_fault(self):
        other = Client(self.port)
        other.request("GET", "/")
        self.fault(mode="refuse", seconds=0.6)
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
        # the open keep-alive connection was dropped too
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
            other.request("GET", "/")
        deadline = time.monotonic() + 5
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
                break
            except ConnectionRefusedError:
                self.assertLess(time.monotonic(), deadline, "server did not listen again")
                time.sleep(0.05)
        self.es.close()
        self.assertEqual(self.es.request("GET", "/")[0], 200)
        self.assertEqual(self.es.request("GET", "/_ubaflow/stats")[1]["faults_applied"]["refuse"], 1)


if __name__ == "__main__":
    unittest.main()
