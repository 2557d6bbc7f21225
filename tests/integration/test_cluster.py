"""The cluster: a coordinator process and worker processes on localhost.
Parallelism invariance, and faults (kill -9 of a worker, a worker joining
and one leaving while the job runs, the coordinator restarted, a wrong
secret). Every run ends equal to the batch oracle."""
import os
import re
import shutil
import signal
import tempfile
import time

import harness
from harness import BIN

SECRET = "it-secret"


class Cluster:
    """A coordinator and its workers, stopped by the test's cleanup."""

    def __init__(self, test, broker, workers, min_workers=None, extra=(), env=None):
        self.test = test
        self.port = harness.free_port()
        self.common = ["--kafka.bootstrap-servers", broker.bootstrap,
                       "--sink.ndjson.dir", test.path("out"),
                       "--event-time.idle-timeout", "0",
                       "--progress.interval", "300ms"]
        self.env = {"UBAFLOW_CLUSTER_SECRET": SECRET}
        self.env.update(env or {})
        self.extra = list(extra)
        self.workers = []
        self.coordinator = None
        self.start_coordinator(min_workers or workers)
        for _ in range(workers):
            self.add_worker()

    def start_coordinator(self, min_workers, name="coordinator"):
        args = [BIN, "coordinator", "--coordinator.port", str(self.port),
                "--cluster.min-workers", str(min_workers),
                "--cluster.restart-delay", "200ms"] + self.common + self.extra
        self.coordinator = harness.Process(args, self.test.path(name + ".log"), env=self.env)
        self.test._stops.append(self.coordinator.stop)
        harness.wait_for(lambda: "listening on" in self.coordinator.output(), 20,
                         "the coordinator to listen", watched=self.coordinator)

    def add_worker(self, env=None, slots=1):
        name = "worker-%d" % (len(self.workers) + 1)
        args = [BIN, "worker", "--worker.coordinator", "127.0.0.1:%d" % self.port,
                "--worker.name", name, "--worker.slots", str(slots),
                "--worker.reconnect-interval", "200ms"]
        full_env = dict(self.env)
        full_env.update(env or {})
        w = harness.Process(args, self.test.path(name + ".log"), env=full_env)
        self.test._stops.append(w.stop)
        self.workers.append(w)
        return w

    def wait_output(self, needle, timeout=60, what=None):
        harness.wait_for(lambda: needle in self.coordinator.output(), timeout,
                         what or repr(needle), watched=self.coordinator)

    def wait_records(self, count, timeout=60):
        pattern = re.compile(r"\] ([0-9,]+) records")

        def read_enough():
            found = pattern.findall(self.coordinator.output())
            return found and int(found[-1].replace(",", "")) >= count
        harness.wait_for(read_enough, timeout, "%d records read" % count,
                         watched=self.coordinator)

    def drain_and_finish(self, timeout=120):
        self.coordinator.signal(signal.SIGUSR1)
        code = self.coordinator.wait(timeout)
        out = self.coordinator.output()
        self.test.assertEqual(code, 0, "coordinator failed:\n" + out[-6000:])
        for w in self.workers:
            if w.running():
                self.test.assertEqual(w.wait(30), 0, "worker failed:\n" + w.output()[-3000:])
        return out


class ClusterTest(harness.IntegrationTest):

    def produce(self, broker, events, name, seed, day="2017-11-27", rate=None):
        path = self.path(name)
        extra = ["--datagen.days", "1", "--datagen.start-day", day, "--datagen.seed", str(seed)]
        if rate:
            extra += ["--datagen.rate", str(rate)]
        self.datagen(broker.bootstrap, events, tee=path, extra=extra)
        return path

    def verify_parts(self, parts, partitions, against=None):
        sent = self.path("all-sent.jsonl")
        with open(sent, "w") as f:
            for part in parts:
                with open(part) as p:
                    f.write(p.read())
        self.verify(["--verify.input", sent, "--verify.partitions", str(partitions),
                     "--verify.against", against or "ndjson:" + self.path("out")])

    def test_parallelism_does_not_change_results(self):
        for workers, partitions, slots in ((1, 2, 1), (2, 4, 1), (4, 3, 1), (2, 5, 2)):
            with self.subTest(workers=workers, partitions=partitions, slots=slots):
                self.fresh_tmp()
                broker = self.broker(partitions=partitions)
                sent = self.produce(broker, 20000, "sent.jsonl", seed=11)
                cluster = Cluster(self, broker, 0, min_workers=workers)
                for _ in range(workers):
                    cluster.add_worker(slots=slots)
                cluster.wait_output("running on %d task manager(s)" % workers)
                cluster.wait_records(20000)
                out = cluster.drain_and_finish()
                self.assertIn("finished", out)
                self.verify_parts([sent], partitions)
                broker.stop()

    def test_worker_killed_mid_stream_is_recovered_exactly(self):
        broker = self.broker(partitions=4)
        part1 = self.produce(broker, 20000, "part1.jsonl", seed=21)
        cluster = Cluster(self, broker, 3)
        cluster.wait_output("running on 3 task manager(s)")
        cluster.wait_records(5000)
        victim = cluster.workers[1]
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait()
        killed_at = time.time()
        cluster.wait_output("running on 2 task manager(s)", 20, "redeployment on the survivors")
        recovery = time.time() - killed_at
        self.assertLess(recovery, 5.0, "recovery took %.1f s" % recovery)
        part2 = self.produce(broker, 10000, "part2.jsonl", seed=22, day="2017-11-28")
        cluster.wait_records(30000)
        cluster.workers.remove(victim)
        out = cluster.drain_and_finish()
        self.assertIn("worker worker-2 lost", out)
        self.verify_parts([part1, part2], 4)

    def test_worker_joining_and_leaving_while_running(self):
        broker = self.broker(partitions=4)
        part1 = self.produce(broker, 15000, "part1.jsonl", seed=31)
        cluster = Cluster(self, broker, 1)
        cluster.wait_output("running on 1 task manager(s)")
        cluster.wait_records(15000)
        cluster.add_worker()
        cluster.wait_output("running on 2 task manager(s)", 20, "scale-out to 2 workers")
        part2 = self.produce(broker, 10000, "part2.jsonl", seed=32, day="2017-11-28")
        cluster.wait_records(25000)
        leaving = cluster.workers[0]
        leaving.signal(signal.SIGTERM)
        self.assertEqual(leaving.wait(30), 0, leaving.output()[-3000:])
        self.assertIn("left the cluster", leaving.output())
        cluster.workers.remove(leaving)
        harness.wait_for(lambda: cluster.coordinator.output().count("running on 1 task manager(s)") >= 2,
                         20, "scale-in to 1 worker", watched=cluster.coordinator)
        part3 = self.produce(broker, 5000, "part3.jsonl", seed=33, day="2017-11-29")
        cluster.wait_records(30000)
        out = cluster.drain_and_finish()
        self.assertIn("worker-1 is leaving", out)
        self.verify_parts([part1, part2, part3], 4)

    def test_coordinator_restart_resumes(self):
        broker = self.broker(partitions=2)
        part1 = self.produce(broker, 10000, "part1.jsonl", seed=41)
        cluster = Cluster(self, broker, 2)
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(10000)
        cluster.coordinator.proc.send_signal(signal.SIGKILL)
        cluster.coordinator.proc.wait()
        for w in cluster.workers:
            harness.wait_for(lambda: "lost the coordinator" in w.output(), 20,
                             "the workers to notice", watched=w)
        part2 = self.produce(broker, 10000, "part2.jsonl", seed=42, day="2017-11-28")
        cluster.start_coordinator(2, name="coordinator-2")
        cluster.wait_output("running on 2 task manager(s)", 30, "the workers to rejoin")
        cluster.wait_records(20000)
        cluster.drain_and_finish()
        self.verify_parts([part1, part2], 2)

    def test_kafka_broker_down_during_the_run(self):
        broker = self.broker(partitions=2, commands=True)
        part1 = self.produce(broker, 10000, "part1.jsonl", seed=61)
        cluster = Cluster(self, broker, 2)
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(10000)
        broker.command("down 1")
        cluster.wait_output("KAFKA UNREACHABLE", 60, "the cluster to report Kafka down")
        time.sleep(1)
        broker.command("up 1")
        part2 = self.produce(broker, 10000, "part2.jsonl", seed=62, day="2017-11-28")
        cluster.wait_records(20000)
        cluster.drain_and_finish()
        self.verify_parts([part1, part2], 2)

    def test_elasticsearch_down_while_a_worker_is_lost(self):
        broker = self.broker(partitions=2)
        es = self.es()
        part1 = self.produce(broker, 10000, "part1.jsonl", seed=71)
        cluster = Cluster(self, broker, 0, min_workers=2, extra=[
            "--sink.outputs", "elasticsearch", "--sink.es.hosts", es.url,
            "--sink.es.bulk-interval", "200ms", "--sink.es.backoff-initial", "50ms",
            "--sink.es.backoff-max", "500ms"])
        cluster.add_worker()
        cluster.add_worker()
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(10000)
        es.faults({"mode": "refuse", "seconds": 4})
        victim = cluster.workers[1]
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait()
        cluster.workers.remove(victim)
        cluster.wait_output("running on 1 task manager(s)", 20, "redeployment on the survivor")
        part2 = self.produce(broker, 5000, "part2.jsonl", seed=72, day="2017-11-28")
        cluster.wait_records(15000)
        cluster.drain_and_finish()
        self.assertGreater(es.stats()["faults_applied"].get("refuse", 0), 0)
        self.verify_parts([part1, part2], 2, against="es:" + es.url)

    def test_wrong_secret_is_refused(self):
        broker = self.broker(partitions=1)
        cluster = Cluster(self, broker, 0, min_workers=1)
        intruder = cluster.add_worker(env={"UBAFLOW_CLUSTER_SECRET": "wrong"})
        self.assertEqual(intruder.wait(20), 1)
        self.assertIn("wrong cluster secret", intruder.output())
        self.assertNotIn("wrong", cluster.coordinator.output().replace("wrong cluster secret", ""))
        self.assertNotIn(SECRET, cluster.coordinator.output())
        self.assertNotIn(SECRET, intruder.output())

    def fresh_tmp(self):
        """A directory of its own for each sub-run of one test."""
        self.tmp = tempfile.mkdtemp(prefix="ubaflow-it-")
        tmp = self.tmp
        if os.environ.get("UBAFLOW_KEEP_TMP") != "1":
            self._stops.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
