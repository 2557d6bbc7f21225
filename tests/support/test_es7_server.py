"""Tests of the Elasticsearch 7 test server (tests/support/es7_server.py).

Run from the repository root:  /usr/bin/python3 -m unittest tests/support/test_es7_server.py -v
Most tests share one in-process server (wiped before each test through
POST /_ubaflow/reset); CLI, auth and TLS tests start the script as a subprocess.
"""
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
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


class BulkItems(ServerCase):
    def test_statuses_results_and_errors_flag(self):
        items = self.items(self.es.bulk(
            {"index": {"_index": "t", "_id": "1"}}, {"a": 1, "b": {"c": "x"}},
            {"index": {"_index": "t", "_id": "1"}}, {"a": 2, "b": {"c": "x"}},
            {"create": {"_index": "t", "_id": "1"}}, {"a": 3},
            {"update": {"_index": "t", "_id": "1"}}, {"doc": {"b": {"d": "y"}}},
            {"update": {"_index": "t", "_id": "1"}}, {"doc": {"a": 2}},
            {"update": {"_index": "t", "_id": "missing"}}, {"doc": {"a": 1}},
            {"update": {"_index": "t", "_id": "up"}}, {"doc": {"a": 5}, "upsert": {"a": 0}},
            {"update": {"_index": "t", "_id": "dau"}}, {"doc": {"a": 7}, "doc_as_upsert": True},
            {"delete": {"_index": "t", "_id": "dau"}},
            {"delete": {"_index": "t", "_id": "never"}},
        ), errors=True)
        got = [(i["status"], i.get("result"), i.get("_version")) for i in items]
        self.assertEqual(got, [(201, "created", 1), (200, "updated", 2), (409, None, None), (200, "updated", 3),
                               (200, "noop", 3), (404, None, None), (201, "created", 1), (201, "created", 1),
                               (200, "deleted", 2), (404, "not_found", 1)])
        conflict = items[2]["error"]
        self.assertEqual(conflict["type"], "version_conflict_engine_exception")
        self.assertEqual(conflict["reason"], "[1]: version conflict, document already exists (current version [2])")
        self.assertEqual((conflict["index"], conflict["shard"]), ("t", "0"))
        self.assertIn("index_uuid", conflict)
        self.assertEqual(items[5]["error"]["type"], "document_missing_exception")
        self.assertEqual(items[5]["error"]["reason"], "[_doc][missing]: document missing")
        self.assertNotIn("error", items[9])
        self.assertEqual(self.dump(), {"t": {"1": {"a": 2, "b": {"c": "x", "d": "y"}}, "up": {"a": 0}}})

    def test_item_shape_and_sequence_numbers(self):
        status, body, _ = self.es.bulk({"index": {"_index": "t", "_id": "1"}}, {"a": 1},
                                       {"index": {"_index": "t", "_id": "2"}}, {"a": 1})
        self.assertIsInstance(body["took"], int)
        first = body["items"][0]["index"]
        self.assertEqual(set(first), {"_index", "_type", "_id", "_version", "result", "_shards", "_seq_no",
                                      "_primary_term", "status"})
        self.assertEqual(first["_type"], "_doc")
        self.assertEqual(first["_shards"], {"total": 2, "successful": 1, "failed": 0})
        self.assertEqual(first["_primary_term"], 1)
        self.assertEqual([i["index"]["_seq_no"] for i in body["items"]], [0, 1])

    def test_delete_not_found_alone_is_not_an_error(self):
        self.es.bulk({"index": {"_index": "t", "_id": "1"}}, {"a": 1})
        items = self.items(self.es.bulk({"delete": {"_index": "t", "_id": "nope"}},
                                        {"delete": {"_index": "t", "_id": "1"}}), errors=False)
        self.assertEqual([(i["status"], i["result"]) for i in items], [(404, "not_found"), (200, "deleted")])
        # deleting from an index that does not exist is a real failure, and does not create it
        items = self.items(self.es.bulk({"delete": {"_index": "ghost", "_id": "1"}}), errors=True)
        self.assertEqual(items[0]["error"]["type"], "index_not_found_exception")
        self.assertEqual(self.es.request("HEAD", "/ghost")[0], 404)

    def test_auto_generated_ids(self):
        items = self.items(self.es.bulk({"index": {"_index": "t"}}, {"a": 1}, {"create": {"_index": "t"}}, {"a": 2}),
                           errors=False)
        ids = [i["_id"] for i in items]
        self.assertTrue(all(len(i) == 20 for i in ids))
        self.assertNotEqual(ids[0], ids[1])
        self.assertEqual([i["status"] for i in items], [201, 201])

    def test_bad_source_lines(self):
        body = (b'{"index":{"_index":"t","_id":"1"}}\n[1,2]\n'
                b'{"index":{"_index":"t","_id":"2"}}\n{"a":}\n'
                b'{"index":{"_index":"t","_id":"3"}}\n{"a":1,"a":2}\n'
                b'{"index":{"_index":"t","_id":"4"}}\n{"a":1}\n')
        items = self.items(self.es.request("POST", "/_bulk", body, ctype=NDJSON), errors=True)
        self.assertEqual([i["status"] for i in items], [400, 400, 400, 201])
        self.assertEqual(items[0]["error"]["reason"], "Malformed content, must start with an object")
        self.assertEqual(items[1]["error"]["caused_by"]["type"], "json_parse_exception")
        self.assertIn("Duplicate field 'a'", items[2]["error"]["caused_by"]["reason"])
        # update bodies are parsed up front: a bad one fails the whole request
        self.assertError(self.es.bulk({"update": {"_index": "t", "_id": "4"}}, [1]), 400, "x_content_parse_exception")
        self.assertError(self.es.bulk({"update": {"_index": "t", "_id": "4"}}, {"doc": {}, "nope": 1}), 400,
                         "x_content_parse_exception", "[1:2] [UpdateRequest] unknown field [nope]")
        self.assertError(self.es.bulk({"update": {"_index": "t", "_id": "4"}}, {"upsert": {}}), 400,
                         "action_request_validation_exception", "Validation Failed: 1: script or doc is missing;")

    def test_invalid_index_names(self):
        for bad in ("Upper", "_under", "-dash", "a b", "a*b", "a#b", "..", "a:b", "x" * 256):
            items = self.items(self.es.bulk({"index": {"_index": bad, "_id": "1"}}, {"a": 1}), errors=True)
            self.assertEqual(items[0]["status"], 400, bad)
            self.assertEqual(items[0]["error"]["type"], "invalid_index_name_exception", bad)
        self.assertError(self.es.request("PUT", "/Upper"), 400, "invalid_index_name_exception",
                         "Invalid index name [Upper], must be lowercase")

    def test_optimistic_concurrency_and_external_versions(self):
        self.es.bulk({"index": {"_index": "t", "_id": "1"}}, {"a": 1})
        items = self.items(self.es.bulk({"index": {"_index": "t", "_id": "1", "if_seq_no": 5, "if_primary_term": 1}},
                                        {"a": 2},
                                        {"index": {"_index": "t", "_id": "1", "if_seq_no": 0, "if_primary_term": 1}},
                                        {"a": 3},
                                        {"index": {"_index": "t", "_id": "e", "version": 10,
                                                   "version_type": "external"}}, {"a": 1},
                                        {"index": {"_index": "t", "_id": "e", "version": 10,
                                                   "version_type": "external"}}, {"a": 2}))
        self.assertEqual([i["status"] for i in items], [409, 200, 201, 409])
        self.assertEqual(items[2]["_version"], 10)
        self.assertError(self.es.bulk({"index": {"_index": "t", "_id": "1", "version": 3}}, {"a": 1}), 400,
                         "action_request_validation_exception")


class Mappings(ServerCase):
    def index_one(self, index, doc, doc_id="1"):
        return self.items(self.es.bulk({"index": {"_index": index, "_id": doc_id}}, doc))[0]

    def test_dynamic_mapping_like_es7(self):
        item = self.index_one("dyn", {"ts_space": "2017-11-25 10:00:00", "ts_iso": "2017-11-25T10:00:00",
                                      "ts_slash": "2017/11/25 10:00:00", "day": "2017-11-25",
                                      "digits": "12345", "n": 5, "f": 1.5, "ok": True, "nothing": None,
                                      "empty": [], "obj": {"inner": "v"}})
        self.assertEqual(item["status"], 201)
        props = self.mapping("dyn")["properties"]
        text_kw = {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}}
        self.assertEqual(props["ts_space"], text_kw)
        self.assertEqual(props["digits"], text_kw)
        self.assertEqual(props["ts_iso"], {"type": "date"})
        self.assertEqual(props["day"], {"type": "date"})
        self.assertEqual(props["ts_slash"], {"type": "date", "format": "yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis"})
        self.assertEqual(props["n"], {"type": "long"})
        self.assertEqual(props["f"], {"type": "float"})
        self.assertEqual(props["ok"], {"type": "boolean"})
        self.assertEqual(props["obj"], {"properties": {"inner": text_kw}})
        self.assertNotIn("nothing", props)
        self.assertNotIn("empty", props)

    def test_first_document_fixes_the_type(self):
        self.assertEqual(self.index_one("m", {"count": 1, "when": "2017-11-25T10:00:00"})["status"], 201)
        bad = self.index_one("m", {"count": "many"}, "2")
        self.assertEqual(bad["status"], 400)
        self.assertEqual(bad["error"]["type"], "mapper_parsing_exception")
        self.assertEqual(bad["error"]["reason"], "failed to parse field [count] of type [long] in document with "
                         "id '2'. Preview of field's value: 'many'")
        self.assertEqual(bad["error"]["caused_by"], {"type": "number_format_exception",
                                                     "reason": 'For input string: "many"'})
        bad = self.index_one("m", {"when": "yesterday"}, "3")
        self.assertEqual(bad["error"]["type"], "mapper_parsing_exception")
        self.assertEqual(self.index_one("m", {"count": "12"}, "4")["status"], 201)   # numeric strings coerce
        self.assertEqual(self.index_one("m", {"count": 7.9}, "5")["status"], 201)    # fractions truncate
        self.assertEqual(set(self.dump()["m"]), {"1", "4", "5"})

    def test_template_date_format_is_enforced(self):
        tmpl = {"index_patterns": ["ev-*"], "mappings": {"properties": {
            "event_time": {"type": "date", "format": "yyyy-MM-dd HH:mm:ss||epoch_millis"},
            "amount": {"type": "integer"}, "cat": {"type": "keyword"}}}}
        self.assertEqual(self.es.request("PUT", "/_template/ev", tmpl)[0], 200)
        items = self.items(self.es.bulk(
            {"index": {"_index": "ev-1", "_id": "a"}}, {"event_time": "2017-11-25 10:00:00", "amount": 1, "cat": 5},
            {"index": {"_index": "ev-1", "_id": "b"}}, {"event_time": "2017-11-25T10:00:00"},
            {"index": {"_index": "ev-1", "_id": "c"}}, {"event_time": 1511604000000},
            {"index": {"_index": "ev-1", "_id": "d"}}, {"amount": 3000000000},
            {"index": {"_index": "ev-1", "_id": "e"}}, {"cat": {"nested": 1}},
            {"index": {"_index": "ev-1", "_id": "f"}}, {"amount": True},
        ), errors=True)
        self.assertEqual([i["status"] for i in items], [201, 400, 201, 400, 400, 400])
        err = items[1]["error"]
        self.assertEqual(err["reason"], "failed to parse field [event_time] of type [date] in document with id 'b'. "
                         "Preview of field's value: '2017-11-25T10:00:00'")
        self.assertEqual(err["caused_by"]["type"], "illegal_argument_exception")
        self.assertEqual(err["caused_by"]["reason"], "failed to parse date field [2017-11-25T10:00:00] with format "
                         "[yyyy-MM-dd HH:mm:ss||epoch_millis]")
        self.assertEqual(err["index"], "ev-1")
        self.assertEqual(items[3]["error"]["caused_by"]["reason"],
                         "Value [3000000000] is out of range for an integer")
        self.assertEqual(self.mapping("ev-1")["properties"]["event_time"]["format"], "yyyy-MM-dd HH:mm:ss||epoch_millis")
        # both stored dates are the same instant, so a range query finds both
        status, body, _ = self.es.request("POST", "/ev-1/_count", {"query": {"range": {"event_time": {
            "gte": "2017-11-25 10:00:00", "lte": "2017-11-25 10:00:00"}}}})
        self.assertEqual((status, body["count"]), (200, 2))

    def test_strict_dynamic_and_dynamic_templates(self):
        self.es.request("PUT", "/strict", {"mappings": {"dynamic": "strict", "properties": {
            "a": {"type": "keyword"}, "o": {"properties": {"x": {"type": "long"}}}}}})
        items = self.items(self.es.bulk({"index": {"_index": "strict", "_id": "1"}}, {"a": "x", "b": 1},
                                        {"index": {"_index": "strict", "_id": "2"}}, {"o": {"y": 1}},
                                        {"index": {"_index": "strict", "_id": "3"}}, {"a": "x", "o": {"x": 2}}))
        self.assertEqual(items[0]["error"]["type"], "strict_dynamic_mapping_exception")
        self.assertEqual(items[0]["error"]["reason"],
                         "mapping set to strict, dynamic introduction of [b] within [_doc] is not allowed")
        self.assertEqual(items[1]["error"]["reason"],
                         "mapping set to strict, dynamic introduction of [y] within [o] is not allowed")
        self.assertEqual(items[2]["status"], 201)
        self.es.request("PUT", "/kw", {"mappings": {"dynamic_templates": [
            {"strings": {"match_mapping_type": "string", "mapping": {"type": "keyword", "ignore_above": 1024}}}]}})
        self.index_one("kw", {"name": "abc", "ts": "2017-11-25 10:00:00", "iso": "2017-11-25T10:00:00"})
        props = self.mapping("kw")["properties"]
        self.assertEqual(props["name"], {"type": "keyword", "ignore_above": 1024})
        self.assertEqual(props["ts"], {"type": "keyword", "ignore_above": 1024})
        self.assertEqual(props["iso"], {"type": "date"})  # date detection runs before string templates

    def test_metadata_fields_and_bad_mappings(self):
        item = self.index_one("m", {"_id": "x"})
        self.assertEqual(item["error"]["type"], "mapper_parsing_exception")
        self.assertIn("is a metadata field", item["error"]["reason"])
        self.assertError(self.es.request("PUT", "/bad", {"mappings": {"properties": {"x": {"type": "strng"}}}}), 400,
                         "mapper_parsing_exception")
        self.assertError(self.es.request("PUT", "/bad", {"mappings": {"_doc": {"properties": {}}}}), 400,
                         "mapper_parsing_exception")
        self.assertError(self.es.request("PUT", "/bad", {"mappings": {"properties": {
            "d": {"type": "date", "format": "yyyy-MM-dd bogus"}}}}), 400, "mapper_parsing_exception")
        self.assertError(self.es.request("PUT", "/bad", {"settings": {"index": {"no_such": 1}}}), 400,
                         "illegal_argument_exception")


class Templates(ServerCase):
    def test_legacy_templates_merge_by_order(self):
        low = {"index_patterns": ["logs-*"], "order": 0, "settings": {"number_of_replicas": 1},
               "mappings": {"properties": {"a": {"type": "keyword"}, "b": {"type": "long"}}}}
        high = {"index_patterns": "logs-2*", "order": 5, "settings": {"index": {"number_of_replicas": 0}},
                "mappings": {"properties": {"b": {"type": "double"}, "c": {"type": "date"}}}}
        self.assertEqual(self.es.request("PUT", "/_template/high", high)[1], {"acknowledged": True})
        self.assertEqual(self.es.request("PUT", "/_template/low", low)[0], 200)
        self.es.bulk({"index": {"_index": "logs-2024", "_id": "1"}}, {"a": "x"})
        props = self.mapping("logs-2024")["properties"]
        self.assertEqual(props["a"], {"type": "keyword"})
        self.assertEqual(props["b"], {"type": "double"})
        self.assertEqual(props["c"], {"type": "date"})
        settings = self.es.request("GET", "/logs-2024/_settings")[1]["logs-2024"]["settings"]["index"]
        self.assertEqual(settings["number_of_replicas"], "0")
        # an index only the low-order template matches
        self.es.bulk({"index": {"_index": "logs-x", "_id": "1"}}, {"a": "x"})
        self.assertEqual(self.mapping("logs-x")["properties"]["b"], {"type": "long"})
        status, body, _ = self.es.request("GET", "/_template/low")
        self.assertEqual(status, 200)
        self.assertEqual(body["low"]["index_patterns"], ["logs-*"])
        self.assertEqual(body["low"]["settings"], {"index": {"number_of_replicas": "1"}})
        self.assertEqual(self.es.request("HEAD", "/_template/low")[0], 200)
        self.assertEqual(self.es.request("HEAD", "/_template/none")[0], 404)
        self.assertEqual(self.es.request("GET", "/_template/none")[0], 404)
        self.assertEqual(self.es.request("DELETE", "/_template/low")[0], 200)
        self.assertError(self.es.request("DELETE", "/_template/low"), 404, "index_template_missing_exception")

    def test_composable_templates_win_by_priority(self):
        self.es.request("PUT", "/_template/legacy", {"index_patterns": ["app-*"], "order": 99,
                                                     "mappings": {"properties": {"legacy": {"type": "keyword"}}}})
        self.assertEqual(self.es.request("PUT", "/_index_template/lo", {
            "index_patterns": ["app-*"], "priority": 1,
            "template": {"mappings": {"properties": {"lo": {"type": "keyword"}, "v": {"type": "long"}}}}})[0], 200)
        self.assertEqual(self.es.request("PUT", "/_index_template/hi", {
            "index_patterns": ["app-*"], "priority": 10,
            "template": {"settings": {"number_of_replicas": 0},
                         "mappings": {"properties": {"v": {"type": "keyword"}}}}})[0], 200)
        self.es.bulk({"index": {"_index": "app-1", "_id": "1"}}, {"other": 1})
        props = self.mapping("app-1")["properties"]
        self.assertEqual(props["v"], {"type": "keyword"})
        self.assertNotIn("lo", props)
        self.assertNotIn("legacy", props)
        items = self.items(self.es.bulk({"index": {"_index": "app-1", "_id": "2"}}, {"v": 1}))
        self.assertEqual(items[0]["_shards"]["total"], 1)  # number_of_replicas 0 from the template
        # the same priority on overlapping patterns is refused, as in ES
        self.assertError(self.es.request("PUT", "/_index_template/clash", {"index_patterns": ["app-x*"],
                                                                          "priority": 10}),
                         400, "illegal_argument_exception")
        status, body, _ = self.es.request("GET", "/_index_template/hi")
        self.assertEqual(body["index_templates"][0]["name"], "hi")
        self.assertEqual(body["index_templates"][0]["index_template"]["priority"], 10)
        self.assertEqual(self.es.request("DELETE", "/_index_template/hi")[0], 200)
        self.assertError(self.es.request("GET", "/_index_template/hi"), 404, "resource_not_found_exception")

    def test_template_validation(self):
        self.assertError(self.es.request("PUT", "/_template/t", {"order": 1}), 400,
                         "action_request_validation_exception", "Validation Failed: 1: index patterns are missing;")
        self.assertError(self.es.request("PUT", "/_index_template/t", {"template": {}}), 400,
                         "action_request_validation_exception")
        self.assertError(self.es.request("PUT", "/_template/t", {"index_patterns": ["a*"], "mapping": {}}), 400,
                         "parse_exception", "unknown key [mapping] in the template ")
        self.assertError(self.es.request("PUT", "/_template/t", {"index_patterns": ["a*"], "mappings": {
            "properties": {"d": {"type": "nope"}}}}), 400, "mapper_parsing_exception")
        self.assertError(self.es.request("PUT", "/_template/T", {"index_patterns": ["a*"]}), 400,
                         "invalid_index_template_exception")
        self.assertError(self.es.request("PUT", "/_template/t", b"{not json"), 400, "json_parse_exception")


class IndicesAndSearch(ServerCase):
    def load(self):
        self.es.request("PUT", "/s1", {"mappings": {"properties": {
            "n": {"type": "long"}, "cat": {"type": "keyword"}, "ts": {"type": "date"}, "txt": {"type": "text"}}}})
        docs = []
        for i in range(12):
            docs += [{"index": {"_index": "s1", "_id": "d%02d" % i}},
                     {"n": i, "cat": "even" if i % 2 == 0 else "odd", "ts": "2024-01-%02dT00:00:00Z" % (i + 1),
                      "txt": "Hello World %d" % i}]
        self.items(self.es.bulk(*docs, path="/_bulk?refresh=wait_for"), errors=False)

    def search(self, path, body=None):
        status, data, _ = self.es.request("POST", path, body or {})
        self.assertEqual(status, 200, data)
        return data

    def test_index_lifecycle(self):
        self.assertEqual(self.es.request("PUT", "/idx")[1],
                         {"acknowledged": True, "shards_acknowledged": True, "index": "idx"})
        self.assertError(self.es.request("PUT", "/idx"), 400, "resource_already_exists_exception")
        self.assertEqual(self.es.request("HEAD", "/idx")[0], 200)
        self.assertEqual(self.es.request("HEAD", "/nope")[0], 404)
        status, cat, _ = self.es.request("GET", "/_cat/indices?format=json")
        self.assertEqual([(c["index"], c["docs.count"]) for c in cat], [("idx", "0")])
        self.assertEqual(self.es.request("DELETE", "/idx")[1], {"acknowledged": True})
        err = self.assertError(self.es.request("DELETE", "/idx"), 404, "index_not_found_exception",
                               "no such index [idx]")
        self.assertEqual(err["index"], "idx")
        health = self.es.request("GET", "/_cluster/health")[1]
        self.assertEqual(health["status"], "green")

    def test_get_document(self):
        self.es.bulk({"index": {"_index": "g", "_id": "1"}}, {"a": 1})
        status, body, _ = self.es.request("GET", "/g/_doc/1")
        self.assertEqual(status, 200)
        self.assertEqual(body, {"_index": "g", "_type": "_doc", "_id": "1", "_version": 1, "_seq_no": 0,
                                "_primary_term": 1, "found": True, "_source": {"a": 1}})
        status, body, _ = self.es.request("GET", "/g/_doc/2")
        self.assertEqual((status, body), (404, {"_index": "g", "_type": "_doc", "_id": "2", "found": False}))
        self.assertError(self.es.request("GET", "/nope/_doc/1"), 404, "index_not_found_exception")

    def test_queries_sort_and_paging(self):
        self.load()
        body = self.search("/s1/_search", {"query": {"term": {"cat": "even"}}, "size": 3,
                                           "sort": [{"n": {"order": "desc"}}]})
        self.assertEqual(body["hits"]["total"], {"value": 6, "relation": "eq"})
        self.assertEqual([h["_source"]["n"] for h in body["hits"]["hits"]], [10, 8, 6])
        self.assertEqual(body["hits"]["hits"][0]["sort"], [10])
        self.assertEqual(body["hits"]["hits"][0]["_type"], "_doc")
        body = self.search("/s1/_search", {"query": {"bool": {"filter": [
            {"range": {"n": {"gte": 3, "lt": 7}}}, {"terms": {"cat": ["odd"]}}]}}, "sort": ["n"]})
        self.assertEqual([h["_id"] for h in body["hits"]["hits"]], ["d03", "d05"])
        body = self.search("/s1/_search", {"query": {"range": {"ts": {"gte": "2024-01-10", "lt": "2024-01-12"}}},
                                           "sort": [{"_id": "asc"}]})
        self.assertEqual([h["_id"] for h in body["hits"]["hits"]], ["d09", "d10"])
        body = self.search("/s1/_search", {"query": {"match": {"txt": "hello"}}, "size": 0})
        self.assertEqual(body["hits"]["total"]["value"], 12)
        body = self.search("/s1/_search?size=2&from=10&sort=n:asc")
        self.assertEqual([h["_id"] for h in body["hits"]["hits"]], ["d10", "d11"])
        body = self.search("/s*/_search", {"query": {"match_all": {}}, "track_total_hits": False})
        self.assertNotIn("total", body["hits"])
        self.assertEqual(len(body["hits"]["hits"]), 10)
        self.assertEqual(self.search("/s1/_count", {"query": {"term": {"n": 4}}})["count"], 1)
        self.assertEqual(self.es.request("GET", "/_count")[1]["count"], 12)
        self.assertEqual(self.search("/nomatch-*/_search")["hits"]["total"]["value"], 0)
        self.assertEqual(self.es.request("POST", "/s1/_refresh")[0], 200)

    def test_search_errors(self):
        self.load()
        err = self.assertError(self.es.request("POST", "/s1/_search", {"size": 10001}), 400,
                               "search_phase_execution_exception", root_type="illegal_argument_exception")
        self.assertTrue(err["root_cause"][0]["reason"].startswith(
            "Result window is too large, from + size must be less than or equal to: [10000] but was [10001]."))
        self.assertError(self.es.request("POST", "/s1/_search", {"sort": ["txt"]}), 400,
                         "search_phase_execution_exception", root_type="illegal_argument_exception")
        self.assertError(self.es.request("POST", "/s1/_search", {"sort": ["nofield"]}), 400,
                         "search_phase_execution_exception", root_type="query_shard_exception")
        self.assertError(self.es.request("POST", "/s1/_search", {"query": {"bogus": {}}}), 400, "parsing_exception")
        self.assertError(self.es.request("POST", "/s1/_search", {"query": {"term": {"n": "abc"}}}), 400,
                         "search_phase_execution_exception", root_type="query_shard_exception")
        self.assertError(self.es.request("POST", "/missing/_search", {}), 404, "index_not_found_exception")

    def test_unknown_endpoints_and_methods(self):
        status, body, _ = self.es.request("GET", "/_nothing/here")
        self.assertEqual((status, body), (400, {"error": "no handler found for uri [/_nothing/here] and method "
                                                         "[GET]", "status": 400}))
        status, body, resp = self.es.request("GET", "/_bulk")
        self.assertEqual(status, 405)
        self.assertIn("Incorrect HTTP method for uri [/_bulk] and method [GET]", body["error"])
        self.assertIn("POST", resp.getheader("Allow"))


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


def once(port, method, path, body=None, **kwargs):
    """One request on a fresh connection that is closed afterwards."""
    auth = kwargs.pop("auth", None)
    tls = kwargs.pop("tls_context", None)
    client = Client(port, auth=auth, tls_context=tls)
    try:
        if kwargs.pop("bulk", False):
            return client.bulk(*body)
        return client.request(method, path, body, **kwargs)
    finally:
        client.close()


def _wait_for_file(path, proc, timeout=10):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("server did not start: %s" % proc.stderr.read().decode(errors="replace"))
        time.sleep(0.02)
    with open(path) as fh:
        return int(fh.read())


class Subprocess(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="es7test")
        self.procs = []

    def tearDown(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, *args):
        port_file = os.path.join(self.tmp, "port-%d" % len(self.procs))
        proc = subprocess.Popen([sys.executable, SCRIPT, "--port", "0", "--port-file", port_file] + list(args),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.procs.append(proc)
        return proc, _wait_for_file(port_file, proc)

    def test_cli_port_file_banner_and_sigterm(self):
        proc, port = self.start()
        line = proc.stdout.readline().decode().strip()
        self.assertEqual(line, "es7_server listening on http://127.0.0.1:%d" % port)
        self.assertEqual(once(port, "GET", "/")[0], 200)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=5), 0)

    def test_basic_auth(self):
        pw_file = os.path.join(self.tmp, "pw")
        with open(pw_file, "w") as fh:
            fh.write("s3cr3t-pass\n")
        log = os.path.join(self.tmp, "log")
        _, port = self.start("--username", "elastic", "--password-file", pw_file, "--log-file", log)
        status, body, resp = once(port, "GET", "/_cat/indices?format=json")
        self.assertEqual(status, 401)
        self.assertEqual(body["error"]["type"], "security_exception")
        self.assertEqual(body["error"]["reason"],
                         "missing authentication credentials for REST request [/_cat/indices?format=json]")
        self.assertEqual(resp.getheader("WWW-Authenticate"), 'Basic realm="security" charset="UTF-8"')
        status, body, _ = once(port, "POST", "/_bulk", [{"index": {"_index": "a"}}, {"x": 1}], bulk=True,
                               auth="elastic:wrong")
        self.assertEqual(status, 401)
        self.assertEqual(body["error"]["reason"], "unable to authenticate user [elastic] for REST request [/_bulk]")
        self.assertEqual(once(port, "POST", "/_bulk", [{"index": {"_index": "a"}}, {"x": 1}], bulk=True,
                              auth="elastic:s3cr3t-pass")[0], 200)
        stats = once(port, "GET", "/_ubaflow/stats")[1]  # control API needs no credentials
        self.assertEqual(stats["auth_failures"], 2)
        self.assertEqual(stats["bulk_requests"], 1)
        with open(log) as fh:
            self.assertNotIn("s3cr3t-pass", fh.read())

    @unittest.skipUnless(shutil.which("openssl"), "openssl not on PATH")
    def test_tls(self):
        cert, key = os.path.join(self.tmp, "cert.pem"), os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                        "-days", "1", "-keyout", key, "-out", cert], check=True, capture_output=True)
        proc, port = self.start("--tls-cert", cert, "--tls-key", key)
        self.assertIn("https://127.0.0.1:%d" % port, proc.stdout.readline().decode())
        ctx = ssl.create_default_context(cafile=cert)
        ctx.check_hostname = False
        es = Client(port, tls_context=ctx)
        status, body, _ = es.request("GET", "/")
        self.assertEqual((status, body["version"]["number"]), (200, "7.17.9"))
        self.assertEqual(es.bulk({"index": {"_index": "a", "_id": "1"}}, {"x": 1})[0], 200)
        es.close()
        with self.assertRaises((ConnectionError, http.client.HTTPException, OSError)):
            once(port, "GET", "/")  # plain HTTP against the TLS port


if __name__ == "__main__":
    unittest.main()
