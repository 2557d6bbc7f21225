"""es7_server tests: index lifecycle, document GET, _search / _count and routing errors.

Index create / exists / delete, _cat/indices, cluster health, GET _doc, queries
with sort and paging, search errors, unknown endpoints (400) and methods (405).

Run in tests/support:  /usr/bin/python3 -m unittest -v test_es7_indices_search
(all es7_server tests, as ctest does:  /usr/bin/python3 -m unittest discover -p "test_es7_*.py")
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from es7_testing import ServerCase  # noqa: E402


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


if __name__ == "__main__":
    unittest.main()
