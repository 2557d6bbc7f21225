"""Attacks on the cluster ports of a running cluster (the security review's
list): bytes from a stranger, malformed frames from a holder of the key,
and control messages from a process that connected but never joined. Each
is refused and counted by reason; no node crashes, the job never restarts,
nothing planted shows up, and the results equal the batch oracle."""
import json
import os
import re
import subprocess
import urllib.request

import harness
from test_cluster import Cluster, ClusterTestCase, SECRET

HOSTILE = os.path.join(os.path.dirname(harness.BIN), "ubaflow_hostile_peer")


def refused_counts(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        text = r.read().decode()
    counts = {}
    for reason, value in re.findall(
            r'^ubaflow_cluster_refused_total\{[^}]*reason="([a-z_]+)"[^}]*\} (\S+)$',
            text, re.M):
        counts[reason] = counts.get(reason, 0) + float(value)
    return counts


class HostilePeerTest(ClusterTestCase):

    def attack(self, mode, port, *extra, env=None):
        r = subprocess.run([HOSTILE, mode, "127.0.0.1", str(port)] + list(extra),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120,
                           env=dict(os.environ, **(env or {})))
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, "%s attacks got through:\n%s" % (mode, out))
        self.assertNotIn("ACCEPTED", out)
        return out

    def worker_ports(self, cluster):
        data, metrics = [], []
        for w in cluster.workers:
            harness.wait_for(lambda: "data port" in w.output(), 20, "a joined worker",
                             watched=w)
            data.append(int(re.search(r"data port (\d+)", w.output()).group(1)))
            metrics.append(int(re.search(r"worker metrics on http://[^:]+:(\d+)/",
                                         w.output()).group(1)))
        return data, metrics

    def test_attacks_with_and_without_the_key(self):
        broker = self.broker(partitions=2)
        part1 = self.produce(broker, 10000, "part1.jsonl", seed=71)
        cluster = Cluster(self, broker, 2, extra=["--cluster.handshake-timeout", "2s"])
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(10000)
        data_ports, metrics_ports = self.worker_ports(cluster)
        coordinator_metrics = "http://127.0.0.1:%s/metrics" % cluster.rest_port()
        worker_metrics = "http://127.0.0.1:%d/metrics" % metrics_ports[0]

        for port in (cluster.port, data_ports[0]):
            self.attack("raw", port)
            self.attack("frames", port, "--tls", env={"UBAFLOW_CLUSTER_SECRET": SECRET})
        out = self.attack("coordinator", cluster.port, env={"UBAFLOW_CLUSTER_SECRET": SECRET})
        self.assertIn("refused replayed join proof", out)
        self.assertIn("refused join of another protocol version", out)
        self.attack("worker", data_ports[0], env={"UBAFLOW_CLUSTER_SECRET": SECRET})

        # Each refusal counted, by reason, where it happened.
        coordinator = refused_counts(coordinator_metrics)
        worker = refused_counts(worker_metrics)
        for counts in (coordinator, worker):
            self.assertGreaterEqual(counts.get("tls_handshake", 0), 3, counts)
            self.assertGreaterEqual(counts.get("handshake_timeout", 0), 1, counts)
            self.assertGreaterEqual(counts.get("empty_handshake", 0), 1, counts)
            self.assertGreaterEqual(counts.get("unexpected_handshake", 0), 2, counts)
            self.assertGreaterEqual(counts.get("frame_too_large", 0), 1, counts)
            self.assertGreaterEqual(counts.get("malformed_frame", 0), 1, counts)
        self.assertGreaterEqual(coordinator.get("bad_credentials", 0), 3, coordinator)
        self.assertEqual(coordinator.get("protocol_mismatch", 0), 1, coordinator)
        self.assertIn("speaks cluster protocol %d" % 4, cluster.coordinator.output())
        # status, savepoint, rescale, results, heartbeat, evict, rows,
        # restore path, drain, stop, final status, tick, foreign join
        self.assertGreaterEqual(coordinator.get("wrong_sender", 0), 13, coordinator)
        # cancel, shutdown, status, peers, 3 deployments, master, tick
        self.assertGreaterEqual(worker.get("wrong_sender", 0), 9, worker)

        # Nothing changed: the job never restarted, both workers are there,
        # the planted row is nowhere, and every node is alive.
        log = cluster.coordinator.output()
        self.assertNotIn("restarting the job", log)
        self.assertEqual(log.count("attempt 1: deploying"), 1)
        self.assertNotIn("attempt 2", log)
        for w in cluster.workers:
            self.assertTrue(w.running(), w.output()[-2000:])
        base = "http://127.0.0.1:%s" % cluster.rest_port()
        with urllib.request.urlopen(base + "/ubaflow/results", timeout=10) as r:
            self.assertNotIn("planted", r.read().decode())
        with urllib.request.urlopen(base + "/taskmanagers", timeout=10) as r:
            self.assertEqual(len(json.loads(r.read())["taskmanagers"]), 2)

        part2 = self.produce(broker, 10000, "part2.jsonl", seed=72)
        cluster.wait_caught_up()
        cluster.drain_and_finish()
        self.verify_parts([part1, part2], 2)

    def test_frames_against_an_insecure_cluster(self):
        """Without a secret (cluster.insecure) there is no authentication,
        but the frame guard still stands between a peer and CAF."""
        broker = self.broker(partitions=2)
        part1 = self.produce(broker, 10000, "part1.jsonl", seed=73)
        cluster = Cluster(self, broker, 2, env={"UBAFLOW_CLUSTER_SECRET": "",
                                                "UBAFLOW_CLUSTER_INSECURE": "true"})
        cluster.wait_output("running on 2 task manager(s)")
        self.assertIn("cluster.insecure=true", cluster.coordinator.output())
        cluster.wait_records(10000)
        data_ports, _ = self.worker_ports(cluster)
        for port in (cluster.port, data_ports[1]):
            self.attack("frames", port)
        counts = refused_counts("http://127.0.0.1:%s/metrics" % cluster.rest_port())
        self.assertGreaterEqual(counts.get("frame_too_large", 0), 1, counts)
        self.assertGreaterEqual(counts.get("empty_handshake", 0), 1, counts)
        self.assertNotIn("restarting the job", cluster.coordinator.output())
        cluster.wait_caught_up()
        cluster.drain_and_finish()
        self.verify_parts([part1], 2)
