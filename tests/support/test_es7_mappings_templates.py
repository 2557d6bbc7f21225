"""es7_server tests: mappings and index templates.

Dynamic mapping as in ES 7, mapping conflicts, date formats from templates,
dynamic: strict and dynamic templates, bad mappings and settings; legacy
_template merged by order, composable _index_template by priority, template
validation.

Run in tests/support:  /usr/bin/python3 -m unittest -v test_es7_mappings_templates
(all es7_server tests, as ctest does:  /usr/bin/python3 -m unittest discover -p "test_es7_*.py")
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from es7_testing import ServerCase  # noqa: E402


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


if __name__ == "__main__":
    unittest.main()
