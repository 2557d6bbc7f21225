"""Shared helpers of the es7_server tests (tests/support/test_es7_*.py).

Client is a tiny ES client on http.client; ServerCase shares one in-process
es7_server per test class and wipes it (POST /_ubaflow/reset) before each test;
ndjson() builds bulk bodies; LIMIT is the shared server's max-content-length.

Run all es7_server tests in tests/support, as ctest does:
  /usr/bin/python3 -m unittest discover -p "test_es7_*.py"
"""
import base64
import http.client
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "es7_server.py")
sys.path.insert(0, HERE)

import es7_server  # noqa: E402

NDJSON = "application/x-ndjson"
LIMIT = 64 * 1024


def ndjson(*objs):
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objs).encode()


class Client:
    """A tiny ES client on http.client; keeps one keep-alive connection."""

    def __init__(self, port, host="127.0.0.1", tls_context=None, auth=None):
        self.host, self.port, self.tls, self.auth = host, port, tls_context, auth
        self.conn = None

    def connect(self):
        if self.tls is not None:
            return http.client.HTTPSConnection(self.host, self.port, timeout=10, context=self.tls)
        return http.client.HTTPConnection(self.host, self.port, timeout=10)

    def request(self, method, path, body=None, ctype="application/json", headers=None):
        if self.conn is None:
            self.conn = self.connect()
        hdrs = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        if body is not None and ctype is not None:
            hdrs.setdefault("Content-Type", ctype)
        if self.auth:
            hdrs.setdefault("Authorization", "Basic " + base64.b64encode(self.auth.encode()).decode())
        self.conn.request(method, path, body=body, headers=hdrs)
        resp = self.conn.getresponse()
        raw = resp.read()
        if resp.will_close:
            self.conn.close()
            self.conn = None
        data = json.loads(raw) if raw and "json" in (resp.getheader("content-type") or "") else raw
        return resp.status, data, resp

    def bulk(self, *lines, path="/_bulk", ctype=NDJSON):
        return self.request("POST", path, ndjson(*lines), ctype=ctype)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class ServerCase(unittest.TestCase):
    """Shares one in-process server; every test starts from an empty cluster."""

    @classmethod
    def setUpClass(cls):
        cls.log = tempfile.NamedTemporaryFile(prefix="es7log", delete=False).name
        opts = es7_server.build_options(["--port", "0", "--max-content-length", str(LIMIT),
                                         "--log-file", cls.log])
        cls.server = es7_server.Server(opts).start()
        cls.port = cls.server.port

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        with open(cls.log, encoding="utf-8") as fh:
            log = fh.read()
        os.unlink(cls.log)
        if "Traceback" in log:  # the server hit a bug of its own somewhere
            raise AssertionError("es7_server logged an internal error:\n" + log[log.index("Traceback"):])

    def setUp(self):
        self.es = Client(self.port)
        status, _, _ = self.es.request("POST", "/_ubaflow/reset")
        self.assertEqual(status, 200)

    def tearDown(self):
        self.es.close()

    def assertError(self, result, status, etype, reason=None, root_type=None):
        code, body, _ = result
        self.assertEqual(code, status, body)
        self.assertEqual(body["status"], status)
        self.assertEqual(body["error"]["type"], etype, body)
        self.assertEqual(body["error"]["root_cause"][0]["type"], root_type or etype)
        if reason is not None:
            self.assertEqual(body["error"]["reason"], reason)
        return body["error"]

    def items(self, result, errors=None):
        status, body, _ = result
        self.assertEqual(status, 200, body)
        if errors is not None:
            self.assertEqual(body["errors"], errors, body)
        return [next(iter(i.values())) for i in body["items"]]

    def dump(self):
        return self.es.request("GET", "/_ubaflow/dump")[1]

    def mapping(self, index):
        status, body, _ = self.es.request("GET", "/%s/_mapping" % index)
        self.assertEqual(status, 200, body)
        return body[index]["mappings"]
