"""A broker failure on a real three-broker Kafka 4 cluster (KRaft,
replication factor 3, min.insync.replicas 2), started once for the module:
the leader of two of the topic's partitions is killed with -9 while a
coordinator and two workers read, events keep arriving, and the broker
comes back later. The results equal the batch oracle; the outage shows in
the metrics (brokers usable, consumer lag) and in each worker's log as one
clear line (and one when a client reaches it again), not a flood of
librdkafka's own lines."""
import os
import re
import shutil
import tempfile
import threading
import time
import unittest
import urllib.request

import harness
import real_servers
from test_cluster import Cluster, ClusterTestCase

kafka = None
module_dir = None


def setUpModule():
    global kafka, module_dir
    module_dir = tempfile.mkdtemp(prefix="ubaflow-real3-")
    kafka = real_servers.Kafka(module_dir, nodes=3)


def tearDownModule():
    if kafka:
        kafka.stop()
    if os.environ.get("UBAFLOW_KEEP_TMP") != "1":
        shutil.rmtree(module_dir, ignore_errors=True)


def metric(url, name):
    """The values of one metric family: {labels text: value}."""
    with urllib.request.urlopen(url, timeout=10) as r:
        text = r.read().decode()
    return {labels: float(value) for labels, value in
            re.findall(r"^%s\{([^}]*)\} (\S+)$" % name, text, re.M)}


class LowestCounts:
    """Samples one metric family in the background and keeps each series'
    lowest value: a dip that lasts only while the partitions' leadership
    moves (a source then connects to the new leaders) is seen even when it
    ends before the test gets to look."""

    def __init__(self, url, name):
        self.url, self.name = url, name
        self.lowest = {}
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done.is_set():
            try:
                values = metric(self.url, self.name)
            except OSError:
                values = {}
            with self.lock:
                for k, v in values.items():
                    self.lowest[k] = min(self.lowest.get(k, v), v)
            self.done.wait(0.1)

    def snapshot(self):
        with self.lock:
            return dict(self.lowest)

    def stop(self):
        self.done.set()
        self.thread.join(timeout=15)


class RealBrokerFailureTest(ClusterTestCase):

    def produce(self, topic, events, name, seed, day):
        path = self.path(name)
        harness.run(["datagen", "--kafka.bootstrap-servers", kafka.bootstrap,
                     "--kafka.topic", topic, "--datagen.events", str(events),
                     "--datagen.days", "1", "--datagen.start-day", day,
                     "--datagen.seed", str(seed), "--datagen.progress", "0",
                     "--datagen.tee", path], timeout=180)
        return path

    def test_leader_of_two_partitions_killed_and_restarted(self):
        topic = "ub_failover"
        kafka.create_topic(topic, 4, replication=3)
        part1 = self.produce(topic, 20000, "part1.jsonl", seed=141, day="2017-11-27")

        class Bootstrap:
            bootstrap = kafka.bootstrap
        cluster = Cluster(self, Bootstrap, 2, extra=[
            "--kafka.topic", topic, "--kafka.group-id", "ubaflow-" + topic])
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_caught_up()
        metrics_url = "http://127.0.0.1:%s/metrics" % cluster.rest_port()
        # librdkafka connects only to the brokers it needs: each source's
        # count is that of the leaders it reads from (and the controller).
        harness.wait_for(lambda: metric(metrics_url, "ubaflow_kafka_brokers_up"),
                         30, "the sources' broker counts")
        # Each source's count once its connections are all up: the highest
        # of a few samples (a first sample may be taken while a source still
        # connects to the victim, and then never drops below it).
        before = {}
        for _ in range(10):
            for k, v in metric(metrics_url, "ubaflow_kafka_brokers_up").items():
                before[k] = max(before.get(k, 0), v)
            time.sleep(0.2)

        leaders = kafka.leaders(topic)
        victim = max(set(leaders.values()), key=list(leaders.values()).count)
        led = [p for p, l in leaders.items() if l == victim]
        self.assertGreaterEqual(len(led), 2, leaders)
        node = kafka.node(victim)
        # A source's count drops while its partitions' leadership moves, and
        # stays down only if the new leaders are brokers it was already
        # connected to; otherwise it is back up once it reaches them, which
        # may be before the next events are produced. Sampled from the kill on.
        lowest = LowestCounts(metrics_url, "ubaflow_kafka_brokers_up")
        try:
            node.kill()
            # The others take over; events keep arriving (acks from 2 of 3).
            part2 = self.produce(topic, 15000, "part2.jsonl", seed=142, day="2017-11-28")
            harness.wait_for(lambda: any(v < before.get(k, 0)
                                         for k, v in lowest.snapshot().items()),
                             60, "a source seeing a broker fewer")
        except AssertionError as e:
            raise AssertionError("%s: leaders %s, victim %s, counts before %s, lowest %s"
                                 % (e, leaders, victim, before, lowest.snapshot())) from e
        finally:
            lowest.stop()
        self.assertTrue(metric(metrics_url,
                               "flink_taskmanager_job_task_operator_KafkaSourceReader_"
                               "KafkaConsumer_records_lag_max"))
        cluster.wait_caught_up(timeout=90)
        time.sleep(3)  # librdkafka keeps retrying the dead broker meanwhile
        node.start()
        node.wait()
        dead = "127.0.0.1:%d" % node.port
        told = [w for w in cluster.workers if dead in w.output()]
        self.assertTrue(told, "no worker logged the outage")
        # (A client that needs the broker again reconnects and logs it as
        # reachable again; with its partitions' leaders elsewhere now, it
        # may not need it before the end of the test.)
        part3 = self.produce(topic, 5000, "part3.jsonl", seed=143, day="2017-11-29")
        cluster.wait_caught_up(timeout=90)
        cluster.drain_and_finish()
        # One line about the outage per worker (per kind of failure), one
        # when it is back; none of librdkafka's raw "%3|...|FAIL|" lines.
        for w in cluster.workers:
            out = w.output()
            self.assertNotIn("|FAIL|", out)
            about = [l for l in out.splitlines()
                     if dead in l and "kafka:" in l and " info " not in l]
            self.assertLessEqual(len(about), 1, "\n".join(about))
        self.verify_parts_on(kafka, [part1, part2, part3])

    def verify_parts_on(self, kafka_cluster, parts):
        self.verify_parts(parts, 4)


if __name__ == "__main__":
    unittest.main()
