"""es7_server tests: the _bulk request contract and the HTTP connection.

Root info and headers, the trailing-newline rule, Content-Type (406), body size
(413), malformed action lines, whole-request validation (ids, index), URL
parameters, chunked bodies, Expect: 100-continue, keep-alive.

Run in tests/support:  /usr/bin/python3 -m unittest -v test_es7_bulk_requests
(all es7_server tests, as ctest does:  /usr/bin/python3 -m unittest discover -p "test_es7_*.py")
"""
import http.client
import json
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from es7_testing import LIMIT, NDJSON, ServerCase, ndjson  # noqa: E402


class BulkRequestRules(ServerCase):
    def test_root_and_headers(self):
        status, body, resp = self.es.request("GET", "/")
        self.assertEqual(status, 200)
        self.assertEqual(body["version"]["number"], "7.17.9")
        self.assertEqual(body["version"]["build_flavor"], "default")
        self.assertEqual(body["tagline"], "You Know, for Search")
        self.assertIn("lucene_version", body["version"])
        self.assertEqual(resp.getheader("X-Elastic-Product"), "Elasticsearch")
        self.assertEqual(resp.getheader("content-type"), "application/json; charset=UTF-8")
        self.assertIsNotNone(resp.getheader("content-length"))
        self.assertEqual(self.es.request("HEAD", "/")[0], 200)

    def test_body_must_end_with_newline(self):
        body = ndjson({"index": {"_index": "a", "_id": "1"}}, {"x": 1})[:-1]
        self.assertError(self.es.request("POST", "/_bulk", body, ctype=NDJSON), 400,
                         "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]")
        self.assertEqual(self.dump(), {})

    def test_crlf_line_endings_are_accepted(self):
        body = b'{"index":{"_index":"a","_id":"1"}}\r\n{"x":1}\r\n'
        items = self.items(self.es.request("POST", "/_bulk", body, ctype=NDJSON), errors=False)
        self.assertEqual(items[0]["status"], 201)
        self.assertEqual(self.dump(), {"a": {"1": {"x": 1}}})

    def test_content_type_rules(self):
        body = ndjson({"index": {"_index": "a"}}, {"x": 1})
        status, data, _ = self.es.request("POST", "/_bulk", body, ctype="text/plain")
        self.assertEqual((status, data), (406, {"error": "Content-Type header [text/plain] is not supported",
                                                "status": 406}))
        status, data, _ = self.es.request("POST", "/_bulk", body, ctype=None)
        self.assertEqual((status, data), (406, {"error": "Content-Type header is missing", "status": 406}))
        status, _, _ = self.es.request("POST", "/_bulk", body, ctype="application/json; charset=ISO-8859-1")
        self.assertEqual(status, 406)
        for ctype in (NDJSON, "application/json", "application/json; charset=UTF-8",
                      "application/x-ndjson; charset=utf-8"):
            self.assertEqual(self.es.request("POST", "/_bulk", body, ctype=ctype)[0], 200, ctype)
        self.assertEqual(len(self.dump()["a"]), 4)

    def test_too_large_body_is_413_with_empty_body_and_connection_survives(self):
        big = ndjson({"index": {"_index": "a"}}, {"pad": "x" * LIMIT})
        status, data, resp = self.es.request("POST", "/_bulk", big, ctype=NDJSON)
        self.assertEqual(status, 413)
        self.assertEqual(data, b"")
        self.assertEqual(resp.getheader("content-length"), "0")
        sock = self.es.conn.sock
        self.assertEqual(self.es.bulk({"index": {"_index": "a"}}, {"x": 1})[0], 200)
        self.assertIs(self.es.conn.sock, sock, "connection was not kept alive after the 413")
        self.assertEqual(len(self.dump()["a"]), 1)

    def test_no_requests(self):
        self.assertError(self.es.request("POST", "/_bulk", b"\n\n", ctype=NDJSON), 400,
                         "action_request_validation_exception", "Validation Failed: 1: no requests added;")
        self.assertError(self.es.request("POST", "/_bulk", b"", ctype=NDJSON), 400, "parse_exception")

    def test_malformed_action_lines(self):
        cases = [
            ([[1, 2]], "Malformed action/metadata line [1], expected START_OBJECT but found [START_ARRAY]"),
            (['"index"'], "Malformed action/metadata line [1], expected START_OBJECT but found [VALUE_STRING]"),
            ([{}], "Malformed action/metadata line [1], expected FIELD_NAME but found [END_OBJECT]"),
            ([{"index": "a"}, {"x": 1}], "Malformed action/metadata line [1], expected START_OBJECT or "
                                         "END_OBJECT but found [VALUE_STRING]"),
            ([{"index": {"_index": "a"}}, {"x": 1}, {"upsert": {"_index": "a"}}, {"x": 1}],
             "Malformed action/metadata line [3], expected field [create], [delete], [index] or [update] "
             "but found [upsert]"),
            ([{"index": {"_index": "a", "_ttl": 5}}, {"x": 1}],
             "Action/metadata line [1] contains an unknown parameter [_ttl]"),
            ([{"index": {"_index": ["a"]}}, {"x": 1}],
             "Malformed action/metadata line [1], expected a simple value for field [_index] but found "
             "[START_ARRAY]"),
        ]
        for lines, reason in cases:
            self.assertError(self.es.bulk(*lines), 400, "illegal_argument_exception", reason)
        self.assertError(self.es.request("POST", "/_bulk", b'{"index":{"_index":"a"}\n{"x":1}\n', ctype=NDJSON),
                         400, "json_parse_exception")
        # an index/create action without its source line
        self.assertError(self.es.bulk({"index": {"_index": "a"}}), 400, "illegal_argument_exception")
        self.assertEqual(self.dump(), {})

    def test_id_length_and_missing_index_fail_the_whole_request(self):
        long_id = "\u00e9" * 257  # 514 UTF-8 bytes, 257 characters
        ok_id = "a" * 512
        err = self.assertError(self.es.bulk({"index": {"_index": "a", "_id": ok_id}}, {"x": 1},
                                            {"index": {"_index": "a", "_id": long_id}}, {"x": 2},
                                            {"create": {"_index": "a", "_id": "b" * 600}}, {"x": 3}),
                               400, "action_request_validation_exception")
        self.assertEqual(err["reason"], "Validation Failed: 1: id [%s] is too long, must be no longer than 512 bytes "
                         "but was: 514;2: id [%s] is too long, must be no longer than 512 bytes but was: 600;"
                         % (long_id, "b" * 600))
        self.assertEqual(self.dump(), {})
        self.assertError(self.es.bulk({"index": {"_id": "1"}}, {"x": 1}), 400,
                         "action_request_validation_exception", "Validation Failed: 1: index is missing;")
        self.assertError(self.es.bulk({"delete": {"_index": "a", "_id": ""}}), 400,
                         "action_request_validation_exception", "Validation Failed: 1: id is missing;")
        items = self.items(self.es.bulk({"index": {"_index": "a", "_id": ok_id}}, {"x": 1}), errors=False)
        self.assertEqual(items[0]["_id"], ok_id)

    def test_empty_id_on_index_is_a_failed_item(self):
        items = self.items(self.es.bulk({"index": {"_index": "a", "_id": ""}}, {"x": 1},
                                        {"index": {"_index": "a", "_id": "2"}}, {"x": 2}), errors=True)
        self.assertEqual(items[0]["status"], 400)
        self.assertEqual(items[0]["error"]["reason"], "if _id is specified it must not be empty")
        self.assertEqual(items[1]["status"], 201)

    def test_url_index_is_the_default(self):
        items = self.items(self.es.bulk({"index": {"_id": "1"}}, {"x": 1},
                                        {"index": {"_index": "other", "_id": "1"}}, {"x": 2},
                                        path="/dflt/_bulk?refresh=wait_for"), errors=False)
        self.assertEqual([i["_index"] for i in items], ["dflt", "other"])

    def test_unknown_url_parameter_and_bad_refresh(self):
        body = ndjson({"index": {"_index": "a"}}, {"x": 1})
        self.assertError(self.es.request("POST", "/_bulk?foo=1", body, ctype=NDJSON), 400,
                         "illegal_argument_exception", "request [/_bulk] contains unrecognized parameter: [foo]")
        self.assertError(self.es.request("POST", "/_bulk?refresh=yes", body, ctype=NDJSON), 400,
                         "illegal_argument_exception", "Unknown value for refresh: [yes].")
        self.assertEqual(self.es.request("POST", "/_bulk?refresh=true&pretty&filter_path=items", body,
                                         ctype=NDJSON)[0], 200)

    def test_chunked_request_body(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        parts = [ndjson({"index": {"_index": "a", "_id": str(i)}}, {"n": i}) for i in range(3)]
        conn.request("POST", "/_bulk", body=iter(parts), headers={"Content-Type": NDJSON}, encode_chunked=True)
        resp = conn.getresponse()
        body = json.loads(resp.read())
        conn.close()
        self.assertEqual(resp.status, 200)
        self.assertEqual(len(body["items"]), 3)
        self.assertEqual(len(self.dump()["a"]), 3)

    def test_expect_100_continue(self):
        body = ndjson({"index": {"_index": "a", "_id": "1"}}, {"x": 1})
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"POST /_bulk HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                         b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
            self.assertTrue(sock.recv(1024).startswith(b"HTTP/1.1 100"))
            sock.sendall(body)
            self.assertIn(b" 200 ", sock.recv(65536).split(b"\r\n")[0] + b" ")
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"POST /_bulk HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                         b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % (LIMIT + 1))
            self.assertTrue(sock.recv(1024).startswith(b"HTTP/1.1 413"))


class Connections(ServerCase):
    def test_keep_alive_reuses_the_connection(self):
        self.es.request("GET", "/")
        sock = self.es.conn.sock
        for i in range(5):
            self.es.bulk({"index": {"_index": "k", "_id": str(i)}}, {"i": i})
            self.es.request("GET", "/k/_doc/%d" % i)
        self.assertIs(self.es.conn.sock, sock)
        _, _, resp = self.es.request("GET", "/", headers={"Connection": "close"})
        self.assertEqual(resp.getheader("Connection"), "close")
        self.assertIsNone(self.es.conn)


if __name__ == "__main__":
    unittest.main()
