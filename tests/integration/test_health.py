"""Health probes (/healthz, /readyz) of the coordinator, a worker and
`ubaflow run`, `ubaflow probe`, and log.format=json."""
import json
import re
import subprocess
import unittest
import urllib.error
import urllib.request

import harness
from test_cluster import Cluster, SECRET


def probe(url):
    """(status, body) of a GET; (0, None) if nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, json.loads(r.read().decode())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode() or "null")
    except (urllib.error.URLError, ConnectionError):
        return 0, None


class HealthTest(harness.IntegrationTest):

    def test_coordinator_waiting_for_kafka_is_alive_not_ready(self):
        rest = harness.free_port()
        coordinator = harness.Process(
            [harness.BIN, "coordinator", "--coordinator.port", str(harness.free_port()),
             "--rest.port", str(rest), "--kafka.bootstrap-servers",
             "127.0.0.1:%d" % harness.free_port(), "--kafka.startup-wait", "30s",
             "--progress.interval", "0"],
            self.path("coordinator.log"), env={"UBAFLOW_CLUSTER_SECRET": SECRET})
        self._stops.append(coordinator.stop)
        base = "http://127.0.0.1:%d" % rest
        harness.wait_for(lambda: probe(base + "/healthz")[0] == 200, 20,
                         "/healthz while waiting for Kafka", watched=coordinator)
        self.assertEqual(probe(base + "/healthz"),
                         (200, {"status": "UP", "state": "waiting for Kafka"}))
        self.assertEqual(probe(base + "/readyz"),
                         (503, {"status": "DOWN", "state": "waiting for Kafka"}))
        r = harness.run(["probe", "--probe.url", base + "/readyz"], check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("unhealthy", r.stderr.decode())

    def test_cluster_probes_through_a_job(self):
        broker = self.broker(partitions=2)
        cluster = Cluster(self, broker, 0, min_workers=2)
        base = "http://127.0.0.1:" + cluster.rest_port()
        # Waiting for workers: ready, so that workers can reach it.
        self.assertEqual(probe(base + "/readyz"),
                         (200, {"status": "UP", "state": "waiting for workers"}))
        workers = [cluster.add_worker() for _ in range(2)]
        cluster.wait_output("running on 2 task manager(s)")
        for w in workers:
            harness.wait_for(lambda: "joined cluster" in w.output(), 20, "a joined worker",
                             watched=w)
            port = re.search(r"worker metrics on http://[^:]+:(\d+)/", w.output()).group(1)
            url = "http://127.0.0.1:%s" % port
            self.assertEqual(probe(url + "/healthz"), (200, {"status": "UP", "state": "joined"}))
            self.assertEqual(probe(url + "/readyz"), (200, {"status": "UP", "state": "joined"}))
            r = harness.run(["probe", "--probe.url", url + "/readyz"], check=False)
            self.assertEqual(r.returncode, 0, r.stderr.decode())
        # The REST view is at most 500 ms old.
        harness.wait_for(lambda: probe(base + "/readyz")[1]["state"] == "running", 10,
                         "/readyz to say running")
        self.assertEqual(probe(base + "/readyz"), (200, {"status": "UP", "state": "running"}))
        # The default probe finds the coordinator's port only when it is 8081;
        # any of several URLs answering is enough.
        r = harness.run(["probe", "--probe.url",
                         "http://127.0.0.1:%d/healthz,%s/healthz" % (harness.free_port(), base)],
                        check=False)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        cluster.drain_and_finish()

    def test_json_logs_are_one_object_per_line(self):
        day = self.path("day.jsonl")
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", day,
                     "--datagen.events", "2000", "--datagen.days", "1",
                     "--datagen.progress", "0"])
        r = harness.run(["run", "--source.type", "file", "--source.files", day,
                         "--sink.ndjson.dir", self.path("out"), "--rest.port", "0",
                         "--log.format", "json", "--progress.interval", "0"])
        lines = r.stderr.decode().splitlines()
        self.assertGreater(len(lines), 5)
        loggers = set()
        for line in lines:
            doc = json.loads(line)
            self.assertEqual(set(doc), {"time", "level", "logger", "message", "fields"}, line)
            self.assertRegex(doc["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            loggers.add(doc["logger"])
        self.assertIn("config", loggers)
        self.assertIn("ubaflow", loggers)
        self.assertIn("finished", r.stdout.decode())


if __name__ == "__main__":
    unittest.main()
