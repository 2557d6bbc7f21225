"""The Kibana saved objects shipped with Compose and the local k8s overlay (index patterns, the seed's
§4.1 visualizations, one dashboard) checked structurally against the index
mappings ubaflow's templates give a real Elasticsearch 7.17: every object
parses, every reference resolves, every field a visualization or index
pattern uses exists with a type its aggregation accepts."""
import json
import os
import shutil
import tempfile
import unittest

import harness
import real_servers

OBJECTS = os.path.join(harness.ROOT, "deploy", "k8s", "overlays", "local",
                       "ubaflow-saved-objects.ndjson")
# What each aggregation needs of its field.
ACCEPTS = {"date_histogram": {"date"}, "sum": {"long", "integer", "double", "float"},
           "max": {"long", "integer", "double", "float"}, "terms": {"keyword"},
           "histogram": {"long", "integer", "double", "float"}}
SERVERS = {}


def setUpModule():
    SERVERS["dir"] = tempfile.mkdtemp(prefix="ubaflow-kibana-")
    SERVERS["es"] = real_servers.Elasticsearch(SERVERS["dir"])


def tearDownModule():
    if "es" in SERVERS:
        SERVERS["es"].stop()
    shutil.rmtree(SERVERS["dir"], ignore_errors=True)


class KibanaObjectsTest(harness.IntegrationTest):

    def mappings(self):
        """{index: {field: type}} as the job's templates made them."""
        es = SERVERS["es"]
        day = self.path("day.jsonl")
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", day,
                     "--datagen.events", "3000", "--datagen.days", "1",
                     "--datagen.progress", "0"])
        self.run_job_to_end(["--source.type", "file", "--source.files", day,
                             "--sink.outputs", "elasticsearch", "--sink.es.hosts", es.url,
                             "--rest.port", "0", "--progress.interval", "0"])
        out = {}
        for index, body in es.call("GET", "/_mapping").items():
            out[index] = {field: spec.get("type")
                          for field, spec in body["mappings"].get("properties", {}).items()}
        return out

    def test_every_object_resolves_and_every_field_exists_with_its_type(self):
        with open(OBJECTS) as f:
            objects = [json.loads(line) for line in f if line.strip()]
        by_id = {(o["type"], o["id"]): o for o in objects}
        self.assertEqual(len(by_id), len(objects), "duplicate ids")
        types = [o["type"] for o in objects]
        self.assertEqual(types.count("index-pattern"), 4)
        self.assertGreaterEqual(types.count("visualization"), 5)
        self.assertEqual(types.count("dashboard"), 1)
        mappings = self.mappings()
        patterns = {}
        for o in objects:
            for ref in o.get("references", []):
                self.assertIn((ref["type"], ref["id"]), by_id,
                              "%s %s refers to a missing %s" % (o["type"], o["id"], ref))
            if o["type"] == "index-pattern":
                title = o["attributes"]["title"]
                self.assertIn(title, mappings, "no index %s" % title)
                patterns[o["id"]] = title
                time_field = o["attributes"].get("timeFieldName")
                if time_field:
                    self.assertEqual(mappings[title].get(time_field), "date",
                                     "%s.%s" % (title, time_field))
        checked = 0
        for o in objects:
            if o["type"] == "visualization":
                source = json.loads(o["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
                ref = {r["name"]: r for r in o["references"]}[source["indexRefName"]]
                index = patterns[ref["id"]]
                state = json.loads(o["attributes"]["visState"])
                self.assertEqual(state["title"], o["attributes"]["title"])
                for agg in state["aggs"]:
                    field = agg["params"].get("field")
                    if field is None:
                        continue
                    self.assertIn(mappings[index].get(field), ACCEPTS[agg["type"]],
                                  "%s: %s on %s.%s (%s)" % (o["id"], agg["type"], index, field,
                                                            mappings[index].get(field)))
                    checked += 1
            if o["type"] == "dashboard":
                panels = json.loads(o["attributes"]["panelsJSON"])
                names = {r["name"] for r in o["references"]}
                self.assertEqual({p["panelRefName"] for p in panels}, names)
                self.assertEqual(len(panels), types.count("visualization"))
        self.assertGreaterEqual(checked, 11)


if __name__ == "__main__":
    unittest.main()
