"""Real Apache Kafka 4 and Elasticsearch 7.17 for the integration tests,
from Maven Central (tests/support/servers: its pom.xml pins the versions,
resolve.sh builds the launcher into ~/.cache/ubaflow and prints the class
path). Each server is a JVM of its own, so a test can kill -9 it; a test
module starts what it needs once (setUpModule) and stops it at the end.
Start-up waits are bounded and fail with the server's log."""
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request

import harness

SERVERS = os.path.join(harness.ROOT, "tests", "support", "servers")
JAVA = ["java", "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
TOOL_JAVA = ["java", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
def classpath():
    """The launcher's class path (resolved from Maven Central once)."""
    return harness.maven_classpath(SERVERS, "servers")


def _wait_ready(process, name, timeout=120):
    """Waits for the launcher's READY line; returns its address."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = re.search(r"^READY \S+ (\S+)$", process.output(), re.M)
        if found:
            return found.group(1)
        if not process.running():
            break
        time.sleep(0.1)
    raise AssertionError("%s did not start within %ss:\n%s"
                         % (name, timeout, process.output()[-6000:]))


class KafkaNode:
    """One broker+controller of a KRaft cluster."""

    def __init__(self, workdir, node_id, port, controller_port, voters, extra):
        self.dir = os.path.join(workdir, "kafka-%d" % node_id)
        os.makedirs(self.dir, exist_ok=True)
        self.node_id = node_id
        self.port = port
        self.args = JAVA + ["-cp", classpath(), "ubaflow.testservers.Launcher", "kafka",
                            "--dir", self.dir, "--port", str(port),
                            "--controller-port", str(controller_port),
                            "--node-id", str(node_id), "--voters", voters] + list(extra)
        self.process = None
        self.generation = 0

    def start(self):
        self.generation += 1
        self.process = harness.Process(
            self.args, os.path.join(self.dir, "launcher-%d.log" % self.generation))
        return self

    def wait(self):
        _wait_ready(self.process, "Kafka node %d" % self.node_id)

    def kill(self):
        """kill -9: no controlled shutdown, as a crash."""
        if self.process and self.process.running():
            self.process.proc.kill()
            self.process.proc.wait()

    def log(self):
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""


def make_tls_files(workdir):
    """A CA and a certificate for 127.0.0.1 signed by it (openssl);
    returns (cert, key, ca) paths."""
    def path(name):
        return os.path.join(workdir, name)
    run = lambda *a: subprocess.run(list(a), check=True, capture_output=True)
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca.key"),
        "-out", path("ca.pem"), "-days", "2", "-subj", "/CN=ubaflow-test-ca")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("node.key"),
        "-out", path("node.csr"), "-subj", "/CN=127.0.0.1")
    with open(path("san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    run("openssl", "x509", "-req", "-in", path("node.csr"), "-CA", path("ca.pem"),
        "-CAkey", path("ca.key"), "-CAcreateserial", "-out", path("node.pem"), "-days", "2",
        "-extfile", path("san.ext"))
    return path("node.pem"), path("node.key"), path("ca.pem")


class Kafka:
    """A KRaft cluster of `nodes` combined broker+controllers on loopback.
    With `scram` = (user, password) the broker listens SASL_PLAINTEXT with
    SCRAM-SHA-256/512 credentials added at format time; with `tls` as well
    (make_tls_files' triple) it listens SASL_SSL."""

    def __init__(self, workdir, nodes=1, scram=None, tls=None):
        ports = [(harness.free_port(), harness.free_port()) for _ in range(nodes)]
        voters = ",".join("%d@127.0.0.1:%d" % (i + 1, c) for i, (_, c) in enumerate(ports))
        extra = ["--sasl-scram", "%s:%s" % scram] if scram else []
        if tls:
            extra += ["--tls", ",".join(tls)]
        self.scram = scram
        self.tls = tls
        self.nodes = [KafkaNode(workdir, i + 1, p, c, voters, extra)
                      for i, (p, c) in enumerate(ports)]
        for n in self.nodes:
            n.start()
        for n in self.nodes:
            n.wait()
        self.bootstrap = ",".join("127.0.0.1:%d" % n.port for n in self.nodes)
        self.workdir = workdir
        if scram:
            self.client_config = os.path.join(workdir, "kafka-client.properties")
            with open(self.client_config, "w") as f:
                f.write("security.protocol=%s\nsasl.mechanism=SCRAM-SHA-256\n"
                        "sasl.jaas.config=org.apache.kafka.common.security.scram."
                        "ScramLoginModule required username=\"%s\" password=\"%s\";\n"
                        % ("SASL_SSL" if tls else "SASL_PLAINTEXT", scram[0], scram[1]))
                if tls:
                    f.write("ssl.truststore.type=PEM\nssl.truststore.location=%s\n"
                            "ssl.endpoint.identification.algorithm=\n" % tls[2])

    def tool(self, main_class, *args, timeout=90):
        """Runs one of Kafka's own command-line tools (same jars)."""
        command = TOOL_JAVA + ["-cp", classpath(), main_class,
                               "--bootstrap-server", self.bootstrap] + list(args)
        if self.scram:
            command += ["--command-config", self.client_config]
        r = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        if r.returncode != 0:
            raise AssertionError("%s %s failed:\n%s%s" % (main_class, " ".join(args),
                                                         r.stdout.decode()[-3000:],
                                                         r.stderr.decode()[-3000:]))
        return r.stdout.decode()

    def topics(self, *args):
        return self.tool("org.apache.kafka.tools.TopicCommand", *args)

    def create_topic(self, name, partitions, replication=None):
        replication = replication or min(3, len(self.nodes))
        self.topics("--create", "--topic", name, "--partitions", str(partitions),
                    "--replication-factor", str(replication))

    def add_partitions(self, name, partitions):
        self.topics("--alter", "--topic", name, "--partitions", str(partitions))

    def leaders(self, topic):
        """{partition: leader node id} as `kafka-topics --describe` says."""
        out = self.topics("--describe", "--topic", topic)
        return {int(p): int(l) for p, l in
                re.findall(r"Partition:\s*(\d+)\s+Leader:\s*(-?\d+)", out)}

    def group_offsets(self, group, topic):
        """{partition: (committed offset, log end offset, lag)} as
        `kafka-consumer-groups --describe` says ('-' as None)."""
        out = self.tool("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                        "--describe", "--group", group)
        rows = {}
        for line in out.splitlines():
            cells = line.split()
            if len(cells) >= 6 and cells[1] == topic and cells[2].isdigit():
                def num(x):
                    return None if x == "-" else int(x)
                rows[int(cells[2])] = (num(cells[3]), num(cells[4]), num(cells[5]))
        return rows

    def node(self, node_id):
        return self.nodes[node_id - 1]

    def stop(self):
        for n in self.nodes:
            n.kill()
            if n.process:
                n.process.log.close()

    def job_args(self):
        """The job's Kafka options for this cluster."""
        args = ["--kafka.bootstrap-servers", self.bootstrap]
        if self.scram:
            properties = "sasl.mechanisms=SCRAM-SHA-256;sasl.username=%s" % self.scram[0]
            if self.tls:
                properties += ";security.protocol=SASL_SSL;ssl.ca.location=%s" % self.tls[2]
            else:
                properties += ";security.protocol=SASL_PLAINTEXT"
            args += ["--kafka.properties", properties]
        return args


class Elasticsearch:
    """An Elasticsearch 7.17 node (the server jar and the netty4 transport
    from Maven Central, embedded), HTTP on loopback, no security."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "es")
        os.makedirs(self.dir, exist_ok=True)
        self.port = harness.free_port()
        self.args = JAVA[:1] + ["-Xmx512m"] + JAVA[2:] + [
            "-cp", classpath(), "ubaflow.testservers.Launcher", "es",
            "--dir", self.dir, "--http-port", str(self.port)]
        self.url = "http://127.0.0.1:%d" % self.port
        self.generation = 0
        self.start()

    def start(self):
        self.generation += 1
        self.process = harness.Process(
            self.args, os.path.join(self.dir, "launcher-%d.log" % self.generation))
        _wait_ready(self.process, "Elasticsearch")

    def kill(self):
        if self.process.running():
            self.process.proc.kill()
            self.process.proc.wait()

    def stop(self):
        self.kill()
        self.process.log.close()

    def call(self, method, path, body=None, ndjson=False):
        data = None
        headers = {}
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            headers["Content-Type"] = "application/x-ndjson" if ndjson else "application/json"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return json.loads(e.read() or b"null")

    def delete_indices(self, prefix=""):
        for index in ("buy_cnt_per_hour", "cumulative_uv", "cumulative_uv_daily",
                      "top_category"):
            self.call("DELETE", "/%s%s?ignore_unavailable=true" % (prefix, index))

    def search(self, index, body):
        self.call("POST", "/%s/_refresh" % index)
        return self.call("POST", "/%s/_search" % index, body)


def read_ndjson_sources(path):
    """The _source of every document in an NDJSON output file."""
    with open(path) as f:
        return [json.loads(line)["_source"] for line in f if line.strip()]
