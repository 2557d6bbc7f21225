"""The coordinator's REST API (Flink's paths, field names and shapes) and
its Prometheus /metrics, against a running cluster: every endpoint, the
bearer token on the savepoint call, promtool on the metrics, and the
exception history after a worker is lost."""
import json
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request

import yaml

import harness
from test_cluster import Cluster, SECRET

TOKEN = "it-rest-token"

FLINK_KEYS = {
    "config": {"refresh-interval", "timezone-name", "timezone-offset", "flink-version",
               "flink-revision", "features"},
    "features": {"web-submit", "web-cancel", "web-rescale", "web-history"},
    "overview": {"taskmanagers", "slots-total", "slots-available", "jobs-running",
                 "jobs-finished", "jobs-cancelled", "jobs-failed", "flink-version",
                 "flink-commit"},
    "job-overview": {"jid", "name", "state", "start-time", "end-time", "duration",
                     "last-modification", "tasks"},
    "overview-tasks": {"total", "created", "scheduled", "deploying", "running", "finished",
                       "canceling", "canceled", "failed", "reconciling", "initializing"},
    "job": {"jid", "name", "isStoppable", "state", "start-time", "end-time", "duration",
            "now", "maxParallelism", "timestamps", "status-counts", "plan", "vertices"},
    "timestamps": {"INITIALIZING", "CREATED", "RUNNING", "FAILING", "FAILED", "CANCELLING",
                   "CANCELED", "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING"},
    "job-vertex": {"id", "name", "parallelism", "maxParallelism", "status", "start-time",
                   "end-time", "duration", "tasks", "metrics"},
    "vertex-tasks": {"CREATED", "SCHEDULED", "DEPLOYING", "RUNNING", "FINISHED", "CANCELING",
                     "CANCELED", "FAILED", "RECONCILING", "INITIALIZING"},
    "io-metrics": {"read-bytes", "read-bytes-complete", "write-bytes", "write-bytes-complete",
                   "read-records", "read-records-complete", "write-records",
                   "write-records-complete"},
    "plan": {"jid", "name", "type", "nodes"},
    "plan-node": {"id", "parallelism", "operator", "operator_strategy", "description",
                  "optimizer_properties"},
    "plan-input": {"num", "id", "ship_strategy", "exchange"},
    "vertex": {"id", "name", "parallelism", "maxParallelism", "now", "subtasks"},
    "subtask": {"subtask", "status", "attempt", "host", "start-time", "end-time", "duration",
                "metrics", "taskmanager-id", "status-duration"},
    "backpressure": {"status", "backpressure-level", "end-timestamp", "subtasks"},
    "backpressure-subtask": {"subtask", "backpressure-level", "ratio", "idleRatio",
                             "busyRatio"},
    "checkpoints": {"counts", "summary", "latest", "history"},
    "checkpoint-counts": {"restored", "total", "in_progress", "completed", "failed"},
    "checkpoint-summary": {"state_size", "checkpointed_size", "end_to_end_duration",
                           "alignment_buffered", "processed_data", "persisted_data"},
    "stats-summary": {"min", "max", "avg", "p50", "p90", "p95", "p99", "p999"},
    "checkpoint-latest": {"completed", "savepoint", "failed", "restored"},
    "checkpoint-entry": {"className", "id", "status", "is_savepoint", "trigger_timestamp",
                         "latest_ack_timestamp", "state_size", "checkpointed_size",
                         "end_to_end_duration", "alignment_buffered", "processed_data",
                         "persisted_data", "num_subtasks", "num_acknowledged_subtasks",
                         "checkpoint_type", "tasks", "external_path", "discarded"},
    "checkpoint-config": {"mode", "interval", "timeout", "min_pause", "max_concurrent",
                          "externalization", "state_backend", "checkpoint_storage",
                          "unaligned_checkpoints", "tolerable_failed_checkpoints"},
    "exceptions": {"root-exception", "timestamp", "all-exceptions", "truncated",
                   "exceptionHistory"},
    "exception-entry": {"exceptionName", "stacktrace", "timestamp", "taskName", "location",
                        "taskManagerId"},
    "taskmanager": {"id", "path", "dataPort", "jmxPort", "timeSinceLastHeartbeat",
                    "slotsNumber", "freeSlots", "totalResource", "freeResource", "hardware",
                    "memoryConfiguration"},
}


class RestClient:
    """Calls the REST API at self.base, checking statuses."""

    def get(self, path, expect=200):
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as r:
                self.assertEqual(r.status, expect, path)
                body = r.read().decode()
                return json.loads(body) if "json" in r.headers["Content-Type"] else body
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            self.assertEqual(e.code, expect, path + ": " + body)
            return json.loads(body)

    def call(self, method, path, token=None):
        req = urllib.request.Request(self.base + path, method=method, data=b"")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read().decode())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode())


class RestTest(RestClient, harness.IntegrationTest):

    def keys(self, obj, shape):
        self.assertTrue(FLINK_KEYS[shape] <= set(obj), "%s lacks %s" % (
            shape, sorted(FLINK_KEYS[shape] - set(obj))))

    def test_every_endpoint_against_a_running_cluster(self):
        broker = self.broker(partitions=3)
        sent = self.path("sent.jsonl")
        self.datagen(broker.bootstrap, 12000, tee=sent,
                     extra=["--datagen.days", "1", "--datagen.start-day", "2017-11-27"])
        cluster = Cluster(self, broker, 3, env={"UBAFLOW_REST_TOKEN": TOKEN})
        cluster.wait_output("running on 3 task manager(s)")
        self.base = "http://127.0.0.1:" + cluster.rest_port()
        cluster.wait_records(12000)
        cluster.wait_output("completed in", 30, "a checkpoint")

        config = self.get("/config")
        self.keys(config, "config")
        self.keys(config["features"], "features")
        self.assertEqual(config["timezone-name"], "Asia/Shanghai")
        overview = self.get("/overview")
        self.keys(overview, "overview")
        self.assertEqual((overview["taskmanagers"], overview["slots-total"],
                          overview["jobs-running"]), (3, 3, 1))
        jobs = self.get("/jobs")["jobs"]
        self.assertEqual(len(jobs), 1)
        jid = jobs[0]["id"]
        self.assertRegex(jid, r"^[0-9a-f]{32}$")
        self.assertEqual(jobs[0]["status"], "RUNNING")
        job_overview = self.get("/jobs/overview")["jobs"][0]
        self.keys(job_overview, "job-overview")
        self.keys(job_overview["tasks"], "overview-tasks")
        self.assertEqual(job_overview["end-time"], -1)

        job = self.get("/jobs/" + jid)
        self.keys(job, "job")
        self.keys(job["timestamps"], "timestamps")
        self.assertEqual(job["maxParallelism"], 128)
        names = [v["name"] for v in job["vertices"]]
        self.assertEqual(names[:3], ["Source: Kafka topic user_behavior", "Window/Aggregate",
                                     "UV combiner"])
        self.assertTrue(names[3].startswith("Sink: ndjson("), names)
        for v in job["vertices"]:
            self.keys(v, "job-vertex")
            self.keys(v["tasks"], "vertex-tasks")
            self.keys(v["metrics"], "io-metrics")
        source = job["vertices"][0]
        self.assertEqual(source["parallelism"], 3)
        self.assertEqual(source["metrics"]["read-records"], 12000)
        plan = self.get("/v1/jobs/%s/plan" % jid)["plan"]
        self.keys(plan, "plan")
        self.assertEqual(plan, job["plan"])
        ids = {n["id"] for n in plan["nodes"]}
        for node in plan["nodes"]:
            self.keys(node, "plan-node")
            for i in node.get("inputs", []):
                self.keys(i, "plan-input")
                self.assertIn(i["id"], ids)
        self.assertNotIn("inputs", plan["nodes"][0])
        self.assertEqual(plan["nodes"][1]["inputs"][0]["ship_strategy"], "HASH")

        window = job["vertices"][1]["id"]
        vertex = self.get("/jobs/%s/vertices/%s" % (jid, window))
        self.keys(vertex, "vertex")
        for s in vertex["subtasks"]:
            self.keys(s, "subtask")
            self.keys(s["metrics"], "io-metrics")
            self.assertIn(s["taskmanager-id"], {"worker-1", "worker-2", "worker-3"})
        marks = self.get("/jobs/%s/vertices/%s/watermarks" % (jid, window))
        self.assertEqual([m["id"] for m in marks],
                         ["%d.currentInputWatermark" % i for i in range(3)])
        for m in marks:
            self.assertIsInstance(m["value"], str)
            self.assertGreater(int(m["value"]), 1511700000000)  # 2017-11-26+
        bp = self.get("/jobs/%s/vertices/%s/backpressure" % (jid, job["vertices"][0]["id"]))
        self.keys(bp, "backpressure")
        self.assertIn(bp["backpressure-level"], {"ok", "low", "high"})
        for s in bp["subtasks"]:
            self.keys(s, "backpressure-subtask")
        self.assertEqual(sorted(s["ubaflow-assignment"] for s in vertex["subtasks"]),
                         ["key groups 0-42", "key groups 43-85", "key groups 86-127"])
        agg = self.get("/jobs/%s/vertices/%s/subtasks/metrics?get=numRecordsIn&agg=min,max,sum"
                       % (jid, job["vertices"][0]["id"]))
        self.assertEqual(agg, [{"id": "numRecordsIn", "min": agg[0]["min"], "max": agg[0]["max"],
                                "sum": 12000.0}])
        metrics = self.get("/jobs/%s/vertices/%s/metrics?get=0.numRecordsIn" % (jid, window))
        self.assertEqual([m["id"] for m in metrics], ["0.numRecordsIn"])

        chk = self.get("/jobs/%s/checkpoints" % jid)
        self.keys(chk, "checkpoints")
        self.keys(chk["counts"], "checkpoint-counts")
        self.keys(chk["summary"], "checkpoint-summary")
        self.keys(chk["summary"]["end_to_end_duration"], "stats-summary")
        self.keys(chk["latest"], "checkpoint-latest")
        self.assertGreaterEqual(chk["counts"]["completed"], 1)
        self.keys(chk["latest"]["completed"], "checkpoint-entry")
        self.assertEqual(chk["latest"]["completed"]["status"], "COMPLETED")
        self.keys(self.get("/jobs/%s/checkpoints/config" % jid), "checkpoint-config")
        newest = chk["history"][0]
        self.assertEqual(self.get("/jobs/%s/checkpoints/details/%d" % (jid, newest["id"])), newest)
        jm = self.get("/jobs/%s/metrics?get=numRestarts,numberOfCompletedCheckpoints" % jid)
        self.assertEqual({m["id"] for m in jm}, {"numRestarts", "numberOfCompletedCheckpoints"})
        self.assertTrue(all(isinstance(m["value"], str) for m in jm))

        tms = self.get("/taskmanagers")["taskmanagers"]
        self.assertEqual(sorted(t["id"] for t in tms), ["worker-1", "worker-2", "worker-3"])
        for t in tms:
            self.keys(t, "taskmanager")
            self.assertGreater(t["timeSinceLastHeartbeat"], time.time() * 1000 - 10000)
        tm = self.get("/taskmanagers/worker-1")
        self.assertIn("allocatedSlots", tm)
        jm_config = self.get("/jobmanager/config")
        values = {e["key"]: e["value"] for e in jm_config}
        self.assertEqual(values["job.key-groups"], "128")
        self.assertNotIn(SECRET, json.dumps(jm_config))
        self.assertNotIn(TOKEN, json.dumps(jm_config))

        # The OpenAPI document is served and names every path used here.
        with urllib.request.urlopen(self.base + "/ubaflow/openapi.yaml", timeout=10) as r:
            spec = yaml.safe_load(r.read().decode())
        self.assertEqual(spec["openapi"], "3.0.3")
        documented_paths = set(spec["paths"])
        for path in ("/config", "/overview", "/jobs", "/jobs/overview", "/jobs/{jobid}",
                     "/jobs/{jobid}/plan", "/jobs/{jobid}/vertices/{vertexid}",
                     "/jobs/{jobid}/vertices/{vertexid}/watermarks",
                     "/jobs/{jobid}/vertices/{vertexid}/backpressure",
                     "/jobs/{jobid}/vertices/{vertexid}/metrics",
                     "/jobs/{jobid}/vertices/{vertexid}/subtasks/metrics",
                     "/jobs/{jobid}/checkpoints", "/jobs/{jobid}/checkpoints/config",
                     "/jobs/{jobid}/checkpoints/details/{checkpointid}",
                     "/jobs/{jobid}/exceptions", "/jobs/{jobid}/metrics",
                     "/jobs/{jobid}/savepoints", "/jobs/{jobid}/savepoints/{triggerid}",
                     "/jobs/{jobid}/rescaling", "/jobs/{jobid}/rescaling/{triggerid}",
                     "/taskmanagers", "/taskmanagers/{taskmanagerid}",
                     "/taskmanagers/{taskmanagerid}/metrics", "/jobmanager/config",
                     "/jobmanager/metrics", "/ubaflow/results", "/ubaflow/health",
                     "/metrics", "/"):
            self.assertIn(path, documented_paths)

        # Unknown ids: 404 with Flink's errors body.
        for path in ("/jobs/" + "0" * 32, "/jobs/%s/vertices/%s" % (jid, "f" * 32),
                     "/taskmanagers/nobody", "/nothing/here"):
            status, body = self.call("GET", path)
            self.assertEqual(status, 404, path)
            self.assertIsInstance(body["errors"], list)

        # Savepoints: the bearer token is required.
        self.assertEqual(self.call("POST", "/jobs/%s/savepoints" % jid)[0], 401)
        self.assertEqual(self.call("POST", "/jobs/%s/savepoints" % jid, "wrong")[0], 401)
        status, body = self.call("POST", "/jobs/%s/savepoints" % jid, TOKEN)
        self.assertEqual(status, 202, body)
        trigger = body["request-id"]
        harness.wait_for(lambda: self.get("/jobs/%s/savepoints/%s" % (jid, trigger))
                         ["status"]["id"] == "COMPLETED", 30, "the savepoint")
        op = self.get("/jobs/%s/savepoints/%s" % (jid, trigger))["operation"]
        self.assertIn("/savepoints/savepoint-", op["location"])

        # Prometheus: promtool parses it; its only complaint is the camelCase
        # Flink keeps in its own metric names.
        text = self.get("/metrics")
        for family in ("flink_taskmanager_job_task_operator_numRecordsIn",
                       "flink_jobmanager_job_numberOfCompletedCheckpoints",
                       "ubaflow_records_rejected_total", "ubaflow_exchange_bytes_total",
                       "ubaflow_state_bytes", "ubaflow_sink_rows_written_total"):
            self.assertIn("\n# TYPE " + family + " ", text)
        self.assertRegex(text, r'flink_taskmanager_job_task_operator_numRecordsIn\{[^}]*'
                               r'task_name="Source:_Kafka_topic_user_behavior"')
        with open(harness.ROOT + "/docs/metrics.md") as f:
            doc = f.read()
        names = lambda part: set(re.findall(r"`((?:flink|ubaflow)_[A-Za-z0-9_]+)`", part))
        documented = names(doc.split("## Workers' own /metrics")[0])
        worker_documented = names(doc.split("## Workers' own /metrics")[1]
                                  .split("## Monitoring files")[0])
        served = set(re.findall(r"^# TYPE ((?:flink|ubaflow)_\S+) ", text, re.M))
        self.assertIn("# TYPE process_resident_memory_bytes gauge", text)
        self.assertEqual(documented - served, set(), "documented but not served")
        self.assertEqual(served - documented, set(), "served but not documented")
        lint = subprocess.run(["promtool", "check", "metrics"], input=text.encode(),
                              capture_output=True)
        problems = [l for l in (lint.stdout + lint.stderr).decode().splitlines() if l.strip()]
        self.assertTrue(problems, "promtool should see the Flink names")
        for line in problems:
            self.assertRegex(line, r"^flink_\S+ metric names should be written in "
                                   r"'snake_case' not 'camelCase'$")

        # Rescaling: a savepoint, then 5 owners on the same 3 workers.
        self.assertEqual(self.call("POST", "/jobs/%s/rescaling" % jid, TOKEN)[0], 400)
        self.assertEqual(self.call("POST", "/jobs/%s/rescaling?parallelism=5" % jid)[0], 401)
        status, body = self.call("POST", "/jobs/%s/rescaling?parallelism=5" % jid, TOKEN)
        self.assertEqual(status, 202, body)
        rescale = "/jobs/%s/rescaling/%s" % (jid, body["request-id"])
        harness.wait_for(lambda: self.get(rescale)["status"]["id"] == "COMPLETED", 30,
                         "the rescaling")
        self.assertIn("rescaled to 5 keyed-state owner(s) from savepoint",
                      self.get(rescale)["operation"]["message"])
        harness.wait_for(lambda: self.get("/jobs/" + jid)["vertices"][1]["parallelism"] == 5
                         and self.get("/jobs/" + jid)["state"] == "RUNNING", 30,
                         "5 owners running")
        status, body = self.call("POST", "/jobs/%s/rescaling?parallelism=999" % jid, TOKEN)
        refused = "/jobs/%s/rescaling/%s" % (jid, body["request-id"])
        harness.wait_for(lambda: self.get(refused)["status"]["id"] == "COMPLETED", 30,
                         "the refused rescaling")
        self.assertIn("between 1 and 128",
                      self.get(refused)["operation"]["failure-cause"]["stack-trace"])

        # The latest results, as the dashboards read them, equal what the
        # sink wrote (the last line per id of each NDJSON file).
        def written():
            out = {}
            for index in ("buy_cnt_per_hour", "cumulative_uv", "cumulative_uv_daily",
                          "top_category"):
                docs = {}
                with open(self.path("out/%s.ndjson" % index)) as f:
                    for line in f:
                        d = json.loads(line)
                        docs[d["_id"]] = dict(d["_source"], _id=d["_id"])
                out[index] = sorted(docs.values(), key=lambda d: d["_id"])
            return out
        harness.wait_for(lambda: self.get("/ubaflow/results") == written(), 15,
                         "REST results equal to the written documents")
        # A healthy job: its state and no problem.
        health = self.get("/ubaflow/health")
        self.assertEqual(health["problems"], [], health)
        self.assertTrue(health["state"])
        self.assertTrue(self.get("/ubaflow/results")["top_category"])
        only = self.get("/ubaflow/results?index=top_category")
        self.assertEqual(list(only), ["top_category"])
        self.assertEqual(self.call("GET", "/ubaflow/results?index=nope")[0], 404)

        # Each worker serves its own /metrics: process, membership, tasks.
        for w in cluster.workers:
            port = re.search(r"worker metrics on http://[^:]+:(\d+)/metrics", w.output()).group(1)
            with urllib.request.urlopen("http://127.0.0.1:%s/metrics" % port, timeout=10) as r:
                worker_text = r.read().decode()
            self.assertRegex(worker_text, r'ubaflow_worker_joined\{worker="worker-\d"\} 1')
            self.assertRegex(worker_text, r'ubaflow_worker_tasks\{worker="worker-\d"\} [1-9]')
            self.assertIn("\nprocess_resident_memory_bytes ", worker_text)
            self.assertEqual(set(re.findall(r"^# TYPE ((?:flink|ubaflow)_\S+) ", worker_text, re.M)),
                             worker_documented)
            lint = subprocess.run(["promtool", "check", "metrics"], input=worker_text.encode(),
                                  capture_output=True)
            self.assertEqual(lint.returncode, 0, (lint.stdout + lint.stderr).decode())

        # A lost worker shows in the exception history and numRestarts.
        victim = cluster.workers[2]
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait()
        cluster.workers.remove(victim)
        cluster.wait_output("running on 2 task manager(s)", 20, "the redeployment")
        time.sleep(0.6)  # past the status cache
        exceptions = self.get("/jobs/%s/exceptions" % jid)
        self.keys(exceptions, "exceptions")
        entries = exceptions["exceptionHistory"]["entries"]
        self.assertTrue(entries)
        self.keys(entries[0], "exception-entry")
        self.assertIn("worker-3 lost", entries[0]["stacktrace"])
        restarts = self.get("/jobs/%s/metrics?get=numRestarts" % jid)
        self.assertGreaterEqual(int(restarts[0]["value"]), 1)
        self.assertEqual(self.get("/overview")["taskmanagers"], 2)

        cluster.drain_and_finish()
        self.verify(["--verify.input", sent, "--verify.partitions", "3",
                     "--verify.against", "ndjson:" + self.path("out")])


class RunRestTest(RestClient, harness.IntegrationTest):
    """`ubaflow run` serves the same API and UI while it runs: it is a
    cluster of one (the process is its only task manager), with checkpoints,
    savepoints and rescaling when checkpoint.dir and rest.token are set."""

    def test_single_process_job_serves_the_api(self):
        broker = self.broker(partitions=2)
        self.datagen(broker.bootstrap, 8000,
                     extra=["--datagen.days", "1", "--datagen.start-day", "2017-11-27"])
        job = self.start_job(["--kafka.bootstrap-servers", broker.bootstrap,
                              "--sink.ndjson.dir", self.path("out"), "--rest.port", "0",
                              "--event-time.idle-timeout", "0", "--progress.interval", "300ms"])
        harness.wait_for(lambda: "web UI, REST API and metrics on" in job.output(), 20,
                         "the REST API", watched=job)
        port = re.search(r"metrics on http://[^:]+:(\d+)/", job.output()).group(1)
        base = "http://127.0.0.1:" + port

        def get(path):
            with urllib.request.urlopen(base + path, timeout=10) as r:
                return json.loads(r.read().decode())
        harness.wait_for(lambda: get("/jobs/overview")["jobs"][0]["state"] == "RUNNING", 20,
                         "the job running")
        overview = get("/overview")
        self.assertEqual(overview["taskmanagers"], 1)
        self.assertEqual(get("/taskmanagers")["taskmanagers"][0]["id"], "local")
        harness.wait_for(lambda: get("/ubaflow/results")["top_category"], 20, "results")
        with urllib.request.urlopen(base + "/", timeout=10) as r:
            self.assertIn(b"/web/app.js", r.read())
        jid = get("/jobs")["jobs"][0]["id"]
        self.assertEqual(get("/jobs/%s/checkpoints" % jid)["counts"]["completed"], 0)
        req = urllib.request.Request(base + "/jobs/%s/savepoints" % jid, method="POST", data=b"")
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(refused.exception.code, 403)
        job.signal(signal.SIGUSR1)
        self.assertEqual(job.wait(60), 0, job.output()[-3000:])

    def test_run_checkpoints_rescales_and_restores_like_the_cluster(self):
        broker = self.broker(partitions=2)
        day = ["--datagen.days", "1", "--datagen.start-day", "2017-11-27"]
        part1, part2 = self.path("part1.jsonl"), self.path("part2.jsonl")
        self.datagen(broker.bootstrap, 20000, tee=part1, extra=day + ["--datagen.seed", "61"])
        common = ["--kafka.bootstrap-servers", broker.bootstrap,
                  "--sink.ndjson.dir", self.path("out"), "--checkpoint.dir", self.path("ck"),
                  "--checkpoint.interval", "300ms", "--rest.port", "0",
                  "--event-time.idle-timeout", "0", "--progress.interval", "200ms"]
        env = {"UBAFLOW_REST_TOKEN": TOKEN}
        job = self.start_job(common, env=env)
        harness.wait_for(lambda: "20,000 records" in job.output(), 60, "the first part read",
                         watched=job)
        port = re.search(r"metrics on http://[^:]+:(\d+)/", job.output()).group(1)
        self.base = "http://127.0.0.1:" + port
        jid = self.get("/jobs")["jobs"][0]["id"]
        harness.wait_for(lambda: self.get("/jobs/%s/checkpoints" % jid)
                         ["counts"]["completed"] > 0, 30, "a checkpoint", watched=job)
        # Rescaling through the REST API, as in the cluster (it failed at run
        # time before: `run` had no job master that handled it).
        status, body = self.call("PATCH", "/jobs/%s/rescaling?parallelism=3" % jid,
                                     TOKEN)
        self.assertEqual(status, 202, body)
        rescale = "/jobs/%s/rescaling/%s" % (jid, body["request-id"])
        harness.wait_for(lambda: self.get(rescale)["status"]["id"] == "COMPLETED",
                         30, "the rescaling", watched=job)
        self.assertIn("rescaled to 3 keyed-state owner(s)",
                      self.get(rescale)["operation"]["message"])
        harness.wait_for(lambda: "3 owner(s)" in job.output(), 30, "3 owners", watched=job)
        job.signal(signal.SIGUSR2)
        harness.wait_for(lambda: "savepoint written:" in job.output(), 30, "the savepoint",
                         watched=job)
        job.signal(signal.SIGTERM)
        self.assertEqual(job.wait(30), 0, job.output()[-3000:])
        self.assertIn("stopping: savepoint", job.output())
        # The next run continues from the stop's savepoint and reads only
        # what came after it.
        self.datagen(broker.bootstrap, 10000, tee=part2, extra=day + ["--datagen.seed", "62"])
        again = self.start_job(common + ["--kafka.bounded", "true"], env=env, name="again")
        self.assertEqual(again.wait(120), 0, again.output()[-3000:])
        out = again.output()
        self.assertIn("the job continues from savepoint", out)
        self.assertRegex(out, r"records\s+10,000 read")
        self.verify(["--verify.input", self.sent_file([part1, part2]), "--verify.partitions", "2",
                     "--verify.against", "ndjson:" + self.path("out")])
