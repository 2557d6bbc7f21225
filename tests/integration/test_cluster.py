"""The cluster: a coordinator process and worker processes on localhost.
Parallelism invariance, and faults (kill -9 of a worker, a worker joining
and one leaving while the job runs, the coordinator restarted, a wrong
secret). Every run ends equal to the batch oracle."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import types
import threading
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

    def start_coordinator(self, min_workers, name="coordinator", checkpoints=()):
        args = [BIN, "coordinator", "--coordinator.port", str(self.port),
                "--cluster.min-workers", str(min_workers),
                "--cluster.restart-delay", "200ms", "--rest.port", "0",
                "--checkpoint.dir", self.test.path("checkpoints"),
                "--checkpoint.interval", "1s"] + list(checkpoints) + self.common + self.extra
        self.coordinator = harness.Process(args, self.test.path(name + ".log"), env=self.env)
        self.test._stops.append(self.coordinator.stop)
        harness.wait_for(lambda: "listening on" in self.coordinator.output(), 20,
                         "the coordinator to listen", watched=self.coordinator)

    def add_worker(self, env=None, slots=1):
        name = "worker-%d" % (len(self.workers) + 1)
        args = [BIN, "worker", "--worker.coordinator", "127.0.0.1:%d" % self.port,
                "--worker.name", name, "--worker.slots", str(slots),
                "--worker.reconnect-interval", "200ms", "--worker.metrics-port", "0"]
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

    def rest_port(self):
        """The port the coordinator's REST API and web UI listen on."""
        found = re.search(r"REST API and metrics on http://[^:]+:(\d+)/",
                          self.coordinator.output())
        return found.group(1)

    def wait_caught_up(self, timeout=60):
        """Waits until the job has read everything produced so far. Record
        counts start again with each attempt (it resumes from a checkpoint),
        so this watches the consumer lag instead: zero on the last two
        progress lines, both late enough to reflect fresh statistics."""
        start = time.time()
        mark = len(self.coordinator.output())

        def caught_up():
            if time.time() - start < 2.5:
                return False
            lines = [l for l in self.coordinator.output()[mark:].splitlines()
                     if l.startswith("[")]
            return len(lines) >= 2 and all(" lag 0 " in l for l in lines[-2:])
        harness.wait_for(caught_up, timeout, "the job to catch up",
                         watched=self.coordinator)

    def checkpoints_completed(self):
        return len(re.findall(r"checkpoint \d+ completed", self.coordinator.output()))

    def drain_and_finish(self, timeout=120):
        self.coordinator.signal(signal.SIGUSR1)
        code = self.coordinator.wait(timeout)
        out = self.coordinator.output()
        self.test.assertEqual(code, 0, "coordinator failed:\n" + out[-6000:])
        for w in self.workers:
            if w.running():
                self.test.assertEqual(w.wait(30), 0, "worker failed:\n" + w.output()[-3000:])
        return out


class ClusterTestCase(harness.IntegrationTest):
    """Helpers of the tests that run clusters (no tests of its own)."""

    def produce_in_background(self, *args, **kw):
        """produce() on a thread: the events arrive while the test acts."""
        thread = threading.Thread(target=self.produce, args=args, kwargs=kw)
        thread.start()
        return thread

    def kill_a_worker_while_events_arrive(self, cluster, broker, events, seed):
        """Events (part2.jsonl) keep arriving while the second worker is
        killed (kill -9) after a few checkpoints, until the job runs on the
        survivors; the victim and how long the redeployment took."""
        producer = self.produce_in_background(broker, events, "part2.jsonl", seed=seed,
                                              day="2017-11-28", rate=8000)
        harness.wait_for(lambda: cluster.checkpoints_completed() >= 3, 30,
                         "checkpoints while events arrive", watched=cluster.coordinator)
        victim = cluster.workers[1]
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait()
        killed_at = time.time()
        cluster.wait_output("running on 2 task manager(s)", 20, "redeployment on the survivors")
        recovery = time.time() - killed_at
        producer.join()
        return victim, recovery

    def produce(self, broker, events, name, seed, day="2017-11-27", rate=None):
        path = self.path(name)
        extra = ["--datagen.days", "1", "--datagen.start-day", day, "--datagen.seed", str(seed)]
        if rate:
            extra += ["--datagen.rate", str(rate)]
        self.datagen(broker.bootstrap, events, tee=path, extra=extra)
        return path

    def verify_parts(self, parts, partitions, against=None):
        self.verify(["--verify.input", self.sent_file(parts),
                     "--verify.partitions", str(partitions),
                     "--verify.against", against or "ndjson:" + self.path("out")])

    def fresh_tmp(self):
        """A directory of its own for each sub-run of one test."""
        self.tmp = tempfile.mkdtemp(prefix="ubaflow-it-")
        tmp = self.tmp
        if os.environ.get("UBAFLOW_KEEP_TMP") != "1":
            self._stops.append(lambda: shutil.rmtree(tmp, ignore_errors=True))


class ClusterTest(ClusterTestCase):

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

    def test_one_file_split_over_two_workers(self):
        # source.file-splits: one large file read by both workers at once,
        # each range a partition with its own watermark, late events and all.
        day = self.path("day.jsonl")
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", day,
                     "--datagen.events", "60000", "--datagen.days", "1",
                     "--datagen.start-day", "2017-11-27", "--datagen.disorder", "4s",
                     "--datagen.late-fraction", "0.01", "--datagen.late-by", "20min",
                     "--datagen.progress", "0"])
        no_broker = types.SimpleNamespace(bootstrap="127.0.0.1:9")
        cluster = Cluster(self, no_broker, 2, extra=[
            "--source.type", "file", "--source.files", day, "--source.file-splits", "3"])
        self.assertEqual(cluster.coordinator.wait(120), 0, cluster.coordinator.output()[-4000:])
        out = cluster.coordinator.output()
        self.assertIn("3 partition(s)", out)
        self.assertIn("running on 2 task manager(s): 2 source task(s) [0,1; 2]", out)
        self.assertRegex(out, r"late +[1-9]")
        for w in cluster.workers:
            self.assertEqual(w.wait(30), 0, w.output()[-3000:])
        self.verify(["--verify.input", day, "--verify.partitioner", "file",
                     "--source.file-splits", "3", "--verify.against", "ndjson:" + self.path("out")])

    def test_worker_killed_mid_stream_is_recovered_exactly(self):
        broker = self.broker(partitions=4)
        part1 = self.produce(broker, 20000, "part1.jsonl", seed=21)
        cluster = Cluster(self, broker, 3)
        cluster.wait_output("running on 3 task manager(s)")
        cluster.wait_records(20000)
        cluster.wait_output("completed in", 30, "a first checkpoint")
        # Events keep arriving while the worker dies: the restored attempt
        # must read exactly what the checkpoint had not covered.
        victim, recovery = self.kill_a_worker_while_events_arrive(cluster, broker, 20000, 22)
        self.assertLess(recovery, 5.0, "recovery took %.1f s" % recovery)
        cluster.wait_caught_up()
        cluster.workers.remove(victim)
        out = cluster.drain_and_finish()
        self.assertIn("worker worker-2 lost", out)
        restored = re.search(r"attempt 2 restores checkpoint (\d+)", out)
        self.assertIsNotNone(restored, out[-4000:])
        self.assertGreaterEqual(int(restored.group(1)), 3)
        self.verify_parts([self.path("part1.jsonl"), self.path("part2.jsonl")], 4)

    def test_worker_joining_and_leaving_while_running(self):
        broker = self.broker(partitions=4)
        part1 = self.produce(broker, 15000, "part1.jsonl", seed=31)
        cluster = Cluster(self, broker, 1)
        cluster.wait_output("running on 1 task manager(s)")
        cluster.wait_records(15000)
        cluster.wait_output("completed in", 30, "a first checkpoint")
        cluster.add_worker()
        cluster.wait_output("running on 2 task manager(s)", 20, "scale-out to 2 workers")
        self.assertIn("attempt 2 restores checkpoint", cluster.coordinator.output())
        part2 = self.produce(broker, 10000, "part2.jsonl", seed=32, day="2017-11-28")
        cluster.wait_caught_up()
        leaving = cluster.workers[0]
        leaving.signal(signal.SIGTERM)
        self.assertEqual(leaving.wait(30), 0, leaving.output()[-3000:])
        self.assertIn("left the cluster", leaving.output())
        cluster.workers.remove(leaving)
        harness.wait_for(lambda: cluster.coordinator.output().count("running on 1 task manager(s)") >= 2,
                         20, "scale-in to 1 worker", watched=cluster.coordinator)
        part3 = self.produce(broker, 5000, "part3.jsonl", seed=33, day="2017-11-29")
        cluster.wait_caught_up()
        out = cluster.drain_and_finish()
        self.assertIn("worker-1 is leaving", out)
        self.verify_parts([part1, part2, part3], 4)

    def test_coordinator_restart_resumes(self):
        broker = self.broker(partitions=2)
        part1 = self.produce(broker, 10000, "part1.jsonl", seed=41)
        cluster = Cluster(self, broker, 2)
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(10000)
        cluster.wait_output("completed in", 30, "a first checkpoint")
        cluster.coordinator.proc.send_signal(signal.SIGKILL)
        cluster.coordinator.proc.wait()
        for w in cluster.workers:
            harness.wait_for(lambda: "lost the coordinator" in w.output(), 20,
                             "the workers to notice", watched=w)
        part2 = self.produce(broker, 10000, "part2.jsonl", seed=42, day="2017-11-28")
        cluster.start_coordinator(2, name="coordinator-2")
        cluster.wait_output("running on 2 task manager(s)", 30, "the workers to rejoin")
        self.assertIn("the job continues from checkpoint", cluster.coordinator.output())
        cluster.wait_caught_up()
        cluster.drain_and_finish()
        self.verify_parts([part1, part2], 2)

    def test_rolling_upgrade_stops_with_a_savepoint(self):
        # An "upgrade": SIGTERM to the coordinator (a savepoint, then the
        # stop), a new coordinator, then new workers one by one. The new run
        # starts where the savepoint left off: exact, nothing read twice.
        broker = self.broker(partitions=3)
        part1 = self.produce(broker, 15000, "part1.jsonl", seed=51)
        cluster = Cluster(self, broker, 2, extra=["--checkpoint.interval", "1h"])
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(15000)
        cluster.wait_caught_up()
        cluster.coordinator.signal(signal.SIGTERM)
        self.assertEqual(cluster.coordinator.wait(30), 0, cluster.coordinator.output()[-3000:])
        out = cluster.coordinator.output()
        self.assertRegex(out, r"stopping: savepoint \S+ written; the next start restores it")
        old_workers = list(cluster.workers)
        for w in old_workers:
            self.assertEqual(w.wait(30), 0, w.output()[-2000:])
        part2 = self.produce(broker, 10000, "part2.jsonl", seed=52, day="2017-11-28")
        cluster.workers = []
        cluster.start_coordinator(2, name="coordinator-2")
        self.assertRegex(cluster.coordinator.output(), r"continues from \S*savepoint")
        cluster.add_worker()
        time.sleep(1)
        cluster.add_worker()
        cluster.wait_output("running on 2 task manager(s)", 30, "the new workers")
        cluster.wait_caught_up()
        out = cluster.drain_and_finish()
        # Only what came after the savepoint was read by the new run.
        self.assertRegex(out, r"records\s+10,000 read")
        self.verify_parts([part1, part2], 3)

    def test_savepoint_then_whole_cluster_restarted_from_it(self):
        broker = self.broker(partitions=3)
        part1 = self.produce(broker, 15000, "part1.jsonl", seed=51)
        cluster = Cluster(self, broker, 2)
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(15000)
        address = ["--savepoint.coordinator", "127.0.0.1:%d" % cluster.port]
        refused = harness.run(["savepoint"] + address, check=False,
                              env={"UBAFLOW_CLUSTER_SECRET": "wrong"})
        self.assertEqual(refused.returncode, 1)
        self.assertIn("wrong cluster secret", refused.stderr.decode())
        # On the coordinator's signal, and through the CLI.
        cluster.coordinator.signal(signal.SIGUSR2)
        cluster.wait_output("savepoint written:", 30, "the savepoint")
        by_signal = re.search(r"savepoint written: (\S+)", cluster.coordinator.output()).group(1)
        self.assertTrue(os.path.exists(by_signal), by_signal)
        r = harness.run(["savepoint"] + address, env={"UBAFLOW_CLUSTER_SECRET": SECRET})
        savepoint = r.stdout.decode().strip()
        self.assertIn("/savepoints/savepoint-", savepoint)
        self.assertNotEqual(savepoint, by_signal)
        # The whole cluster goes away; its checkpoints with it.
        cluster.coordinator.signal(signal.SIGTERM)
        self.assertEqual(cluster.coordinator.wait(60), 0, cluster.coordinator.output()[-3000:])
        for w in cluster.workers:
            self.assertEqual(w.wait(30), 0, w.output()[-3000:])
        kept = self.path("kept.ckpt")
        shutil.copy(savepoint, kept)
        # Another job pointed at this directory does not take its state.
        other = harness.run(["coordinator", "--job.name", "other",
                             "--coordinator.port", str(harness.free_port()),
                             "--kafka.bootstrap-servers", broker.bootstrap,
                             "--checkpoint.dir", self.path("checkpoints")], check=False,
                            env={"UBAFLOW_CLUSTER_SECRET": SECRET})
        self.assertEqual(other.returncode, 2, other.stderr.decode())
        self.assertIn("holds checkpoints of job 'ubaflow'", other.stderr.decode())
        shutil.rmtree(self.path("checkpoints"))
        part2 = self.produce(broker, 10000, "part2.jsonl", seed=52, day="2017-11-28")
        again = Cluster(self, broker, 3, extra=["--checkpoint.restore", kept])
        again.wait_output("running on 3 task manager(s)")
        self.assertIn("the job continues from savepoint", again.coordinator.output())
        again.wait_caught_up()
        again.drain_and_finish()
        self.verify_parts([part1, part2], 3)

    def test_bad_restore_point_is_a_clear_error(self):
        broker = self.broker(partitions=1)
        bogus = self.path("bogus.ckpt")
        with open(bogus, "w") as f:
            f.write("not a checkpoint")
        port = str(harness.free_port())
        for restore, message in ((bogus, "is not a ubaflow checkpoint"),
                                 (self.path("missing.ckpt"), "cannot open checkpoint")):
            r = harness.run(["coordinator", "--coordinator.port", port,
                             "--kafka.bootstrap-servers", broker.bootstrap,
                             "--checkpoint.dir", self.path("checkpoints"),
                             "--checkpoint.restore", restore], check=False,
                            env={"UBAFLOW_CLUSTER_SECRET": SECRET})
            self.assertEqual(r.returncode, 2, r.stderr.decode())
            self.assertIn(message, r.stderr.decode())
        # A savepoint of other windows or results (the golden file of the
        # stored format of the former hard-wired job: Asia/Shanghai, 8 key
        # groups, all four results), refused by the job of jobs/taobao.sql.
        golden = os.path.join(harness.ROOT, "tests/data/checkpoints/savepoint-v3.ckpt")
        for options, message in ((["--job.results", "buy_cnt_per_hour"],
                                  "holds state of other windows or results"),
                                 (["--job.time-zone", "UTC"],
                                  "; time-zone=Asia/Shanghai); this job keeps sql-plan=")):
            r = harness.run(["coordinator", "--coordinator.port", port,
                             "--kafka.bootstrap-servers", broker.bootstrap,
                             "--job.key-groups", "8", "--checkpoint.restore", golden,
                             "--checkpoint.dir", self.path("checkpoints")] + options,
                            check=False, env={"UBAFLOW_CLUSTER_SECRET": SECRET})
            self.assertEqual(r.returncode, 2, r.stderr.decode())
            self.assertIn(message, r.stderr.decode())
            self.assertIn("time-zone=" + ("UTC" if "UTC" in options else "Asia/Shanghai"),
                          r.stderr.decode().split("this job keeps")[-1])

    def make_tls_identity(self, name, ca=None):
        """A CA (when `ca` is None) or a node certificate signed by `ca`,
        with openssl's command line; returns the file paths."""
        key, cert = self.path(name + ".key"), self.path(name + ".pem")
        if ca is None:
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", key, "-out", cert, "-days", "2",
                            "-subj", "/CN=" + name], check=True, capture_output=True)
        else:
            csr = self.path(name + ".csr")
            subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                            "-out", csr, "-subj", "/CN=" + name], check=True, capture_output=True)
            subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca[1], "-CAkey", ca[0],
                            "-CAcreateserial", "-out", cert, "-days", "2"],
                           check=True, capture_output=True)
        return key, cert

    def test_tls_between_all_nodes(self):
        ca = self.make_tls_identity("cluster-ca")
        node = self.make_tls_identity("node", ca=ca)
        stranger_ca = self.make_tls_identity("stranger-ca")
        stranger = self.make_tls_identity("stranger", ca=stranger_ca)

        def tls_env(identity, trusted):
            return {"UBAFLOW_CLUSTER_TLS_KEY": identity[0],
                    "UBAFLOW_CLUSTER_TLS_CERTIFICATE": identity[1],
                    "UBAFLOW_CLUSTER_TLS_CA": trusted[1]}
        broker = self.broker(partitions=3)
        part1 = self.produce(broker, 15000, "part1.jsonl", seed=81)
        cluster = Cluster(self, broker, 2, env=tls_env(node, ca))
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(15000)
        # Neither a plain worker nor one certified by another CA gets in.
        plain = cluster.add_worker(env={"UBAFLOW_CLUSTER_TLS_KEY": "",
                                        "UBAFLOW_CLUSTER_TLS_CERTIFICATE": "",
                                        "UBAFLOW_CLUSTER_TLS_CA": ""})
        foreign = cluster.add_worker(env=tls_env(stranger, stranger_ca))
        cluster.wait_output("TLS handshake failed", 20, "refused handshakes")
        time.sleep(2)
        for intruder in (plain, foreign):
            self.assertNotIn("joined cluster", intruder.output())
            intruder.stop()
            cluster.workers.remove(intruder)
        self.assertNotIn("worker-3 joined", cluster.coordinator.output())
        self.assertNotIn("worker-4 joined", cluster.coordinator.output())
        address = ["--savepoint.coordinator", "127.0.0.1:%d" % cluster.port]
        env = dict(tls_env(node, ca), UBAFLOW_CLUSTER_SECRET=SECRET)
        r = harness.run(["savepoint"] + address, env=env)
        self.assertIn("/savepoints/savepoint-", r.stdout.decode())
        part2 = self.produce(broker, 5000, "part2.jsonl", seed=82, day="2017-11-28")
        cluster.wait_caught_up()
        cluster.drain_and_finish()
        self.verify_parts([part1, part2], 3)

    def test_worker_metrics_port_taken_is_not_fatal(self):
        broker = self.broker(partitions=1)
        blocker = socket.socket()
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        self._stops.append(blocker.close)
        taken = blocker.getsockname()[1]
        cluster = Cluster(self, broker, 0, min_workers=1)
        w = cluster.add_worker()
        w.stop()  # restarted below with the taken port
        cluster.workers.remove(w)
        args = [BIN, "worker", "--worker.coordinator", "127.0.0.1:%d" % cluster.port,
                "--worker.name", "worker-x", "--worker.metrics-port", str(taken)]
        x = harness.Process(args, self.path("worker-x.log"), env=cluster.env)
        self._stops.append(x.stop)
        cluster.workers.append(x)
        cluster.wait_output("worker worker-x joined", 20, "the worker to join")
        self.assertIn("no worker /metrics", x.output())
        self.assertTrue(x.running())

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
        cluster.wait_caught_up()
        cluster.drain_and_finish()
        self.assertGreater(es.stats()["faults_applied"].get("refuse", 0), 0)
        self.verify_parts([part1, part2], 2, against="es:" + es.url)

    def test_workers_declared_lost_during_a_pause_rejoin(self):
        """A frozen coordinator (kill -STOP, 7 s, kill -CONT, longer than
        cluster.worker-timeout) may declare its workers lost when it wakes,
        unless their queued heartbeats come first; then a frozen worker,
        which surely is declared lost. Either way a worker the coordinator
        dropped learns it from its refused heartbeat, rejoins by itself, and
        the job runs on both, exact."""
        broker = self.broker(partitions=2)
        part1 = self.produce(broker, 10000, "part1.jsonl", seed=61)
        cluster = Cluster(self, broker, 2)
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(10000)

        def running_on_both_since(mark):
            harness.wait_for(
                lambda: re.search(r"running on 2 task manager\(s\)",
                                  cluster.coordinator.output()[mark:])
                or ("lost" not in cluster.coordinator.output()[mark:]
                    and time.time() > resumed + 8),
                40, "the job running again on both workers", watched=cluster.coordinator)
            lost = set(re.findall(r"worker (worker-\d) lost: no heartbeat",
                                  cluster.coordinator.output()[mark:]))
            for w in cluster.workers:
                name = re.search(r"worker (worker-\d) joined cluster", w.output()).group(1)
                if name in lost:
                    harness.wait_for(lambda: "declared lost" in w.output(), 20,
                                     "%s told it was lost" % name, watched=w)
            return lost

        mark = len(cluster.coordinator.output())
        cluster.coordinator.signal(signal.SIGSTOP)
        time.sleep(7)
        cluster.coordinator.signal(signal.SIGCONT)
        resumed = time.time()
        running_on_both_since(mark)

        mark = len(cluster.coordinator.output())
        frozen = cluster.workers[0]
        frozen.signal(signal.SIGSTOP)
        harness.wait_for(lambda: "lost: no heartbeat" in cluster.coordinator.output()[mark:],
                         20, "the frozen worker declared lost", watched=cluster.coordinator)
        frozen.signal(signal.SIGCONT)
        resumed = time.time()
        self.assertTrue(running_on_both_since(mark))

        part2 = self.produce(broker, 10000, "part2.jsonl", seed=62)
        cluster.wait_caught_up()
        cluster.drain_and_finish()
        self.verify_parts([part1, part2], 2)

    def test_wrong_secret_is_refused(self):
        broker = self.broker(partitions=1)
        cluster = Cluster(self, broker, 0, min_workers=1)
        intruder = cluster.add_worker(env={"UBAFLOW_CLUSTER_SECRET": "wrong"})
        self.assertEqual(intruder.wait(20), 1)
        self.assertIn("wrong cluster secret", intruder.output())
        self.assertNotIn("wrong", cluster.coordinator.output().replace("wrong cluster secret", ""))
        self.assertNotIn(SECRET, cluster.coordinator.output())
        self.assertNotIn(SECRET, intruder.output())
