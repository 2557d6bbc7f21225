"""es7_server tests: per-item results of _bulk.

Statuses and results of index / create / update / delete, the errors flag,
item shape and sequence numbers, auto ids, bad source lines, invalid index
names, optimistic concurrency and external versions.

Run in tests/support:  /usr/bin/python3 -m unittest -v test_es7_bulk_items
(all es7_server tests, as ctest does:  /usr/bin/python3 -m unittest discover -p "test_es7_*.py")
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from es7_testing import NDJSON, ServerCase  # noqa: E402


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


if __name__ == "__main__":
    unittest.main()
