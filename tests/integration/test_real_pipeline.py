"""The whole pipeline against the real servers: Apache Kafka 4 (KRaft, one
node) and Elasticsearch 7.17, both from Maven Central, started once for the
module. `ubaflow run` and a coordinator with two workers read a 4-partition
topic written by ubaflow's datagen and by kcat; every index equals the
batch oracle; Elasticsearch's own aggregations (what the seed's Kibana
views ask) return the oracle's figures; checkpoints commit offsets that
Kafka's consumer-group tool shows and group-offsets resumes from;
partitions added to the running topic are found and read; a conflicting
mapping sends documents to the rejected file; an Elasticsearch outage of
20 s loses nothing."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness
import real_servers
from test_cluster import Cluster, ClusterTestCase, SECRET

kafka = None
es = None
module_dir = None


def setUpModule():
    global kafka, es, module_dir
    module_dir = tempfile.mkdtemp(prefix="ubaflow-real-")
    kafka = real_servers.Kafka(module_dir, nodes=1)
    es = real_servers.Elasticsearch(module_dir)


def tearDownModule():
    for server in (kafka, es):
        if server:
            server.stop()
    if os.environ.get("UBAFLOW_KEEP_TMP") != "1":
        shutil.rmtree(module_dir, ignore_errors=True)


class RealPipelineTest(ClusterTestCase):

    def topic(self, partitions=4):
        """A fresh topic for this test."""
        name = "ub_" + self.id().split(".")[-1][5:30]
        kafka.create_topic(name, partitions)
        return name

    def produce(self, topic, events, name, seed, day="2017-11-27", partitions=4):
        """datagen's synthetic day into `topic` (murmur2 on the user id,
        like the Java client), its messages also written to a file."""
        path = self.path(name)
        harness.run(["datagen", "--kafka.bootstrap-servers", kafka.bootstrap,
                     "--kafka.topic", topic, "--datagen.events", str(events),
                     "--datagen.days", "1", "--datagen.start-day", day,
                     "--datagen.seed", str(seed), "--datagen.progress", "0",
                     "--datagen.tee", path])
        return path

    def produce_with_kcat(self, topic, events, name, seed, day):
        """The same kind of messages through an independent client."""
        messages = self.path(name)
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", messages,
                     "--datagen.events", str(events), "--datagen.days", "1",
                     "--datagen.start-day", day, "--datagen.seed", str(seed),
                     "--datagen.progress", "0"])
        keyed = self.path(name + ".keyed")
        with open(messages) as src, open(keyed, "w") as dst:
            for line in src:
                user = line.split('"user_id":', 1)[1].split(",", 1)[0].strip(' "')
                dst.write(user + "\t" + line)
        subprocess.run(["kcat", "-P", "-b", kafka.bootstrap, "-t", topic, "-K", "\t",
                        "-X", "partitioner=murmur2_random", "-l", keyed],
                       check=True, timeout=120)
        return messages

    def es_args(self, prefix):
        return ["--sink.outputs", "elasticsearch", "--sink.es.hosts", es.url,
                "--sink.es.index-prefix", prefix, "--sink.es.bulk-interval", "200ms"]

    def verify_es(self, parts, prefix, partitions=4):
        sent = self.sent_file(parts)
        self.verify(["--verify.input", sent, "--verify.partitions", str(partitions),
                     "--verify.against", "es:" + es.url, "--sink.es.index-prefix", prefix])
        return sent

    def test_run_reads_real_kafka_and_writes_real_elasticsearch(self):
        topic = self.topic()
        part1 = self.produce(topic, 30000, "part1.jsonl", seed=101)
        part2 = self.produce_with_kcat(topic, 10000, "part2.jsonl", seed=102,
                                       day="2017-11-28")
        prefix = "run_"
        out = self.run_job_to_end(kafka_args(topic) + self.es_args(prefix)
                                  + ["--kafka.bounded", "true", "--progress.interval", "0"])
        self.assertIn("40,000 read", out)
        self.verify_es([part1, part2], prefix)
        self.check_aggregations(prefix)

    def test_sql_jobs_read_real_kafka_and_write_real_elasticsearch(self):
        # The default job as SQL and the ten example queries, each run by
        # the engine from its script: every index equals the script's batch
        # oracle; jobs/taobao.sql's equal the built-in job's oracle too.
        topic = self.topic()
        part = self.produce(topic, 20000, "part.jsonl", seed=121)
        scripts = (("sqlt_", os.path.join(harness.ROOT, "jobs", "taobao.sql")),
                   ("sqlx_", os.path.join(harness.ROOT, "jobs", "examples",
                                          "behaviour_metrics.sql")))
        for prefix, script in scripts:
            with self.subTest(script=os.path.basename(script)):
                out = self.run_job_to_end(
                    ["--job.sql", script, "--lookup.source", "csv",
                     "--lookup.csv-path", harness.CATEGORY_CSV]
                    + kafka_args(topic) + ["--kafka.group-id", "ubaflow-" + prefix + topic]
                    + self.es_args(prefix)
                    + ["--kafka.bounded", "true", "--progress.interval", "0"])
                self.assertIn("20,000 read", out)
                _, report = self.verify(["--job.sql", script, "--verify.input", part,
                                         "--verify.partitions", "4",
                                         "--lookup.source", "csv",
                                         "--lookup.csv-path", harness.CATEGORY_CSV,
                                         "--verify.against", "es:" + es.url,
                                         "--sink.es.index-prefix", prefix])
                self.assertIn("SQL oracle", report)
                self.assertNotRegex(report, r" 0 found")
        self.verify_es([part], "sqlt_")
        self.check_aggregations("sqlt_")
        # The example queries' indices got templates from their columns'
        # types: window starts are dates, counts longs, names keywords, so
        # Kibana's time axes and terms work on them too.
        mapping = es.call("GET", "/sqlx_buys_per_category_hour/_mapping")[
            "sqlx_buys_per_category_hour"]["mappings"]["properties"]
        self.assertEqual(mapping["window_start"]["type"], "date")
        self.assertEqual(mapping["buys"]["type"], "long")
        self.assertEqual(mapping["category_name"]["type"], "keyword")
        r = es.search("sqlx_buys_per_category_hour", {
            "size": 0, "aggs": {"per_hour": {"date_histogram": {
                "field": "window_start", "fixed_interval": "1h", "min_doc_count": 1}}}})
        self.assertTrue(r["aggregations"]["per_hour"]["buckets"])

    def check_aggregations(self, prefix):
        """The seed's Kibana views are aggregations; on ubaflow's indices
        they must give the oracle's figures (verify proved the documents
        equal to the oracle, so their sums are the oracle's)."""
        def docs(index):
            r = es.search(prefix + index, {"size": 10000, "query": {"match_all": {}}})
            return [h["_source"] for h in r["hits"]["hits"]]
        # event_time and time_str are the seed's wall-clock strings without
        # a zone (Elasticsearch reads them as UTC, so a histogram in UTC is
        # bucketed by the job zone's wall clock, as in the seed's Kibana).
        hourly = docs("buy_cnt_per_hour")
        expected = {}
        for d in hourly:
            expected[d["event_time"][:13]] = expected.get(d["event_time"][:13], 0) \
                + d["buy_cnt"]
        r = es.search(prefix + "buy_cnt_per_hour", {
            "size": 0, "aggs": {"per_hour": {
                "date_histogram": {"field": "event_time", "fixed_interval": "1h",
                                   "min_doc_count": 1},
                "aggs": {"buys": {"sum": {"field": "buy_cnt"}}}}}})
        got = {b["key_as_string"][:13]: b["buys"]["value"]
               for b in r["aggregations"]["per_hour"]["buckets"]}
        self.assertEqual(got, {k: float(v) for k, v in expected.items()})
        uv = docs("cumulative_uv")
        r = es.search(prefix + "cumulative_uv", {
            "size": 0, "aggs": {"per_10min": {
                "date_histogram": {"field": "time_str", "fixed_interval": "10m",
                                   "min_doc_count": 1},
                "aggs": {"uv": {"max": {"field": "uv"}}}}}})
        buckets = r["aggregations"]["per_10min"]["buckets"]
        self.assertEqual(len(buckets), len(uv))
        self.assertEqual(sorted(int(b["uv"]["value"]) for b in buckets),
                         sorted(d["uv"] for d in uv))
        top = docs("top_category")
        r = es.search(prefix + "top_category", {
            "size": 0, "aggs": {"by_name": {
                "terms": {"field": "category_name", "size": 100},
                "aggs": {"buys": {"sum": {"field": "buy_cnt"}}}}}})
        got = {b["key"]: int(b["buys"]["value"])
               for b in r["aggregations"]["by_name"]["buckets"]}
        self.assertEqual(got, {d["category_name"]: d["buy_cnt"] for d in top})

    def test_cluster_reads_real_kafka_commits_offsets_and_finds_new_partitions(self):
        topic = self.topic()
        part1 = self.produce(topic, 20000, "part1.jsonl", seed=111)
        prefix = "cluster_"
        cluster = RealCluster(self, topic, 2, extra=self.es_args(prefix)
                              + ["--kafka.partition-discovery-interval", "1s"])
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_caught_up()
        cluster.wait_output("completed", 30)
        # The checkpoint's offsets are in the consumer group, as Kafka's own
        # tool shows them: the end of every partition, no lag.
        deadline = time.time() + 30
        while True:
            offsets = kafka.group_offsets("ubaflow-" + topic, topic)
            if len(offsets) == 4 and all(o[0] == o[1] for o in offsets.values()):
                break
            self.assertLess(time.time(), deadline, offsets)
            time.sleep(1)
        self.assertEqual(sum(o[0] for o in offsets.values()), 20000)
        # Partitions added while the job runs are found and read from their
        # beginning; a later day, so the new partitions' records are on time.
        kafka.add_partitions(topic, 8)
        cluster.wait_output("the topic grew from 4 to 8 partitions", 30)
        cluster.wait_output("running on 2 task manager(s)", 60)
        part2 = self.produce(topic, 20000, "part2.jsonl", seed=112, day="2017-11-28",
                             partitions=8)
        cluster.wait_caught_up()
        cluster.drain_and_finish()
        offsets = kafka.group_offsets("ubaflow-" + topic, topic)
        self.assertEqual(len(offsets), 8)
        self.assertEqual(sum(o[0] for o in offsets.values()), 40000)
        self.verify_es([part1, part2], prefix, partitions=8)

    def test_group_offsets_resume_where_the_last_run_stopped(self):
        topic = self.topic()
        part1 = self.produce(topic, 15000, "part1.jsonl", seed=121)
        group = ["--kafka.group-id", "ubaflow-" + topic]
        self.run_job_to_end(kafka_args(topic) + group + [
            "--kafka.bounded", "true", "--sink.ndjson.dir", self.path("out1"),
            "--progress.interval", "0"])
        offsets = kafka.group_offsets("ubaflow-" + topic, topic)
        self.assertEqual(sum(o[0] for o in offsets.values()), 15000)
        part2 = self.produce(topic, 5000, "part2.jsonl", seed=122, day="2017-11-28")
        out = self.run_job_to_end(kafka_args(topic) + group + [
            "--kafka.startup-mode", "group-offsets", "--kafka.bounded", "true",
            "--sink.ndjson.dir", self.path("out2"), "--progress.interval", "0"])
        self.assertIn("5,000 read", out)
        self.verify(["--verify.input", part2, "--verify.partitions", "4",
                     "--verify.against", "ndjson:" + self.path("out2")])

    def test_conflicting_mapping_and_an_elasticsearch_outage(self):
        topic = self.topic()
        prefix = "conflict_"
        # An index made beforehand where buy_cnt is not a number: those
        # documents go to the rejected file with Elasticsearch's reason.
        es.delete_indices(prefix)
        es.call("PUT", "/%sbuy_cnt_per_hour" % prefix, {
            "settings": {"number_of_replicas": 0},
            "mappings": {"properties": {"buy_cnt": {"type": "date",
                                                    "format": "yyyy"}}}})
        rejected = self.path("rejected.ndjson")
        part1 = self.produce(topic, 20000, "part1.jsonl", seed=131)
        job = self.start_job(kafka_args(topic) + self.es_args(prefix) + [
            "--sink.es.rejected-file", rejected, "--event-time.idle-timeout", "0",
            "--progress.interval", "500ms", "--sink.es.create-templates", "false"])
        harness.wait_for(lambda: os.path.exists(rejected) and os.path.getsize(rejected), 60,
                         "rejected documents", watched=job)
        # Elasticsearch away for 20 s while events arrive, then back.
        es.kill()
        part2 = self.produce(topic, 10000, "part2.jsonl", seed=132, day="2017-11-28")
        time.sleep(20)
        es.start()
        job.signal(signal.SIGUSR1)
        self.assertEqual(job.wait(180), 0, job.output()[-4000:])
        with open(rejected) as f:
            lines = [json.loads(l) for l in f if l.strip()]
        self.assertTrue(lines)
        text = json.dumps(lines)
        self.assertIn("buy_cnt", text)
        self.assertIn("mapper_parsing_exception", text)
        # Every other index is complete and exact; the conflicting one holds
        # no document at all.
        r = es.call("GET", "/%sbuy_cnt_per_hour/_count" % prefix)
        self.assertEqual(r["count"], 0)
        es.call("DELETE", "/%sbuy_cnt_per_hour" % prefix)
        self.verify(["--verify.input", self.sent_file([part1, part2], "all.jsonl"), "--verify.partitions", "4",
                     "--verify.against", "es:" + es.url, "--sink.es.index-prefix", prefix,
                     "--job.results", "cumulative_uv,cumulative_uv_daily,top_category"])


def kafka_args(topic):
    return kafka.job_args() + ["--kafka.topic", topic, "--kafka.group-id", "ubaflow-" + topic]


class RealCluster(Cluster):
    """A coordinator and workers on the module's real Kafka."""

    def __init__(self, test, topic, workers, extra=()):
        class Bootstrap:
            bootstrap = kafka.bootstrap
        super().__init__(test, Bootstrap, workers, extra=kafka_args(topic) + list(extra))


if __name__ == "__main__":
    unittest.main()
