"""Shared fixtures of ubaflow's integration tests: real processes on loopback.

Starts the mock Kafka broker (`ubaflow broker`), the strict Elasticsearch 7
test server (tests/support/es7_server.py), a private MariaDB server, and the
job itself; runs datagen and the verify oracle. Everything binds to
127.0.0.1 on free ports and lives in a temporary directory that is removed
afterwards (kept when UBAFLOW_KEEP_TMP=1, for debugging).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("UBAFLOW_BIN", os.path.join(ROOT, "build", "ubaflow"))
PYTHON = "/usr/bin/python3"  # Debian's, which has python3-kafka
CATEGORY_CSV = os.path.join(ROOT, "data", "category.csv")
CATEGORY_SQL = os.path.join(ROOT, "data", "category.sql")
VALID_RANGE = ["--event-time.valid-from", "2017-11-25 00:00:00",
               "--event-time.valid-until", "2017-12-03 23:59:59"]


def ubaflow_env(args, env=None):
    """The environment of an ubaflow child process. The default job
    (jobs/taobao.sql) joins a MySQL table, as the seed's; a run that says
    nothing of MySQL reads that dimension from data/category.csv, as the
    demo does: UBAFLOW_LOOKUP_SOURCE=csv, which a --lookup.source flag, a
    --lookup.mysql.* flag (the script's own MySQL default then holds) or the
    test's env overrides."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    if not any(a.startswith("--lookup.source") or a.startswith("--lookup.mysql.")
               for a in args):
        full_env.setdefault("UBAFLOW_LOOKUP_SOURCE", "csv")
    return full_env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, what, watched=None):
    """Polls predicate until it is truthy. On a timeout the error carries the
    tail of `watched`'s output (a Process), so a CI log shows why."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    message = "timed out after %ss waiting for %s" % (timeout, what)
    if watched is not None:
        message += "\n--- output of %s ---\n%s" % (watched.args[0], watched.output()[-6000:])
    raise AssertionError(message)


class Process:
    """A child process whose output goes to a log file in the test dir."""

    def __init__(self, args, log_path, env=None, stdin=None):
        self.args = args
        self.log_path = log_path
        self.log = open(log_path, "wb")
        full_env = ubaflow_env(args, env) if args and args[0] == BIN else dict(os.environ, **(env or {}))
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=stdin, env=full_env, cwd=ROOT)

    def output(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def running(self):
        return self.proc.poll() is None

    def signal(self, sig):
        if self.running():
            self.proc.send_signal(sig)

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("%s did not finish within %ss; output:\n%s"
                                 % (" ".join(self.args[:2]), timeout, self.output()[-4000:]))

    def stop(self, timeout=10):
        if self.proc.stdin:
            self.proc.stdin.close()
        if self.running():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Broker:
    """`ubaflow broker`: librdkafka's mock cluster with the topic created."""

    def __init__(self, workdir, partitions=4, extra_topics=(), commands=False):
        port_file = os.path.join(workdir, "broker.addr")
        args = [BIN, "broker", "--broker.port", "0", "--broker.partitions", str(partitions),
                "--broker.port-file", port_file]
        if extra_topics:
            args += ["--broker.extra-topics", ",".join(extra_topics)]
        if commands:
            args += ["--broker.commands", "true"]
        self.process = Process(args, os.path.join(workdir, "broker.log"),
                               stdin=subprocess.PIPE if commands else None)
        self.bootstrap = wait_for(lambda: _read(port_file), 20, "the broker").strip()
        self.partitions = partitions

    def command(self, line):
        self.process.proc.stdin.write((line + "\n").encode())
        self.process.proc.stdin.flush()

    def stop(self):
        self.process.stop()


class EsServer:
    """The strict Elasticsearch 7 test server with its fault-injection API."""

    def __init__(self, workdir, username=None, password=None, tls=None):
        port_file = os.path.join(workdir, "es.port")
        args = [PYTHON, os.path.join(ROOT, "tests", "support", "es7_server.py"),
                "--port", "0", "--port-file", port_file]
        if username:
            pw_file = os.path.join(workdir, "es.password")
            with open(pw_file, "w") as f:
                f.write(password + "\n")
            args += ["--username", username, "--password-file", pw_file]
        if tls:
            args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        self.process = Process(args, os.path.join(workdir, "es.log"))
        port = int(wait_for(lambda: _read(port_file), 20, "the ES test server"))
        self.scheme = "https" if tls else "http"
        self.url = "%s://127.0.0.1:%d" % (self.scheme, port)
        self.control = "http://127.0.0.1:%d" % port if not tls else None

    def _call(self, method, path, body=None):
        import ssl
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        ctx = ssl._create_unverified_context() if self.scheme == "https" else None
        with urllib.request.urlopen(req, timeout=10, context=ctx) as res:
            return json.loads(res.read() or b"null")

    def faults(self, *faults):
        return self._call("POST", "/_ubaflow/faults", list(faults))

    def stats(self):
        return self._call("GET", "/_ubaflow/stats")

    def dump(self):
        return self._call("GET", "/_ubaflow/dump")

    def get(self, path):
        return self._call("GET", path)

    def stop(self):
        self.process.stop()


class MariaDB:
    """A private MariaDB server (Debian's mariadb-server) on a free port,
    with data/category.sql loaded and a password-protected read-only user."""

    user = "ubaflow"
    password = "s3cret-lookup"

    def __init__(self, workdir):
        self.datadir = os.path.join(workdir, "mariadb")
        self.socket = os.path.join(workdir, "mariadb.sock")
        self.port = free_port()
        self.workdir = workdir
        # A private tmpdir: concurrent bootstraps sharing /tmp collide on
        # their temporary tables.
        self.tmpdir = os.path.join(workdir, "mariadb-tmp")
        os.makedirs(self.datadir)
        os.makedirs(self.tmpdir)
        log = os.path.join(workdir, "mariadb-install.log")
        with open(log, "wb") as out:
            r = subprocess.run(["mariadb-install-db", "--no-defaults",
                                "--datadir=" + self.datadir, "--user=root",
                                "--auth-root-authentication-method=normal", "--skip-test-db"],
                               stdout=out, stderr=subprocess.STDOUT,
                               env=dict(os.environ, TMPDIR=self.tmpdir))
        if r.returncode != 0:
            with open(log) as f:
                raise AssertionError("mariadb-install-db failed:\n" + f.read()[-3000:])
        self.start()
        self.sql("CREATE USER '%s'@'127.0.0.1' IDENTIFIED BY '%s';" % (self.user, self.password))
        with open(CATEGORY_SQL) as f:
            self.sql(f.read())
        self.sql("GRANT SELECT ON flink.* TO '%s'@'127.0.0.1';" % self.user)

    def start(self):
        self.process = Process(
            ["mariadbd", "--no-defaults", "--datadir=" + self.datadir,
             "--socket=" + self.socket, "--port=%d" % self.port,
             "--tmpdir=" + self.tmpdir,
             "--bind-address=127.0.0.1", "--user=root",
             "--pid-file=" + os.path.join(self.workdir, "mariadb.pid"),
             "--skip-log-bin", "--innodb-buffer-pool-size=16M",
             "--innodb-log-file-size=8M", "--skip-name-resolve"],
            os.path.join(self.workdir, "mariadb.log"))
        wait_for(self._ready, 60, "MariaDB to start")

    def _ready(self):
        r = subprocess.run(["mariadb-admin", "--no-defaults", "-S", self.socket, "-uroot",
                            "ping"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return r.returncode == 0

    def sql(self, text):
        subprocess.run(["mariadb", "--no-defaults", "-S", self.socket, "-uroot"],
                       input=text.encode(), check=True)

    def stop(self):
        self.process.stop(timeout=30)

    def job_args(self):
        return ["--lookup.source", "mysql", "--lookup.mysql.host", "127.0.0.1",
                "--lookup.mysql.port", str(self.port), "--lookup.mysql.user", self.user]

    def job_env(self):
        return {"UBAFLOW_LOOKUP_MYSQL_PASSWORD": self.password}


def _read(path):
    try:
        with open(path) as f:
            return f.read() or None
    except FileNotFoundError:
        return None


_classpaths = {}


def maven_classpath(module, name):
    """The Java class path of one of ubaflow's Maven modules (the test
    servers, the Flink peer): deploy/deps/maven-module.sh resolves it from
    Maven Central once into ~/.cache/ubaflow, quickly and offline later."""
    if name not in _classpaths:
        r = subprocess.run(["bash", os.path.join(ROOT, "deploy", "deps", "maven-module.sh"),
                            module, name],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
        if r.returncode != 0:
            raise AssertionError("cannot resolve the %s jars:\n%s"
                                 % (name, r.stderr.decode()[-3000:]))
        with open(r.stdout.decode().strip()) as f:
            _classpaths[name] = f.read().strip()
    return _classpaths[name]


def run(args, timeout=120, env=None, check=True):
    """Runs an ubaflow command to completion and returns its CompletedProcess."""
    full_env = ubaflow_env(args, env)
    r = subprocess.run([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, env=full_env, cwd=ROOT)
    if check and r.returncode != 0:
        raise AssertionError("ubaflow %s exited %d\nstdout:\n%s\nstderr:\n%s"
                             % (" ".join(args[:1]), r.returncode, r.stdout.decode()[-4000:],
                                r.stderr.decode()[-4000:]))
    return r


class IntegrationTest(unittest.TestCase):
    """Gives each test a temporary directory and stops what it started."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ubaflow-it-")
        self._stops = []

    def tearDown(self):
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception:  # cleanup must not hide the test's own failure
                pass
        if os.environ.get("UBAFLOW_KEEP_TMP") != "1":
            shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def broker(self, **kw):
        b = Broker(self.tmp, **kw)
        self._stops.append(b.stop)
        return b

    def es(self, **kw):
        e = EsServer(self.tmp, **kw)
        self._stops.append(e.stop)
        return e

    def mariadb(self):
        m = MariaDB(self.tmp)
        self._stops.append(m.stop)
        return m

    def start_job(self, args, env=None, name="job"):
        p = Process([BIN, "run"] + args, self.path(name + ".log"), env=env)
        self._stops.append(p.stop)
        return p

    def datagen(self, bootstrap, events, extra=(), tee=None):
        args = ["datagen", "--kafka.bootstrap-servers", bootstrap,
                "--datagen.events", str(events), "--datagen.progress", "0"]
        if tee:
            args += ["--datagen.tee", tee]
        return run(args + list(extra))

    def sent_file(self, parts, name="all-sent.jsonl"):
        """The parts a test produced, one after the other, in one file: the
        oracle's input."""
        sent = self.path(name)
        with open(sent, "w") as f:
            for part in parts:
                with open(part) as p:
                    f.write(p.read())
        return sent

    def verify(self, args, expect_ok=True, job=None):
        """`ubaflow verify` with `args`; on differences the test fails with
        the first of them, the summary and, given the job, its log's end."""
        r = run(["verify"] + args, check=False)
        out = r.stdout.decode()
        if expect_ok and r.returncode != 0:
            lines = out.splitlines()
            summary = [l for l in lines if l.startswith("verify:")]
            details, shown = [], {}
            for l in lines: # the first ten of each result's differences
                index = (l.split() or [""])[0]
                if not l.startswith("verify:") and shown.get(index, 0) < 10:
                    shown[index] = shown.get(index, 0) + 1
                    details.append(l)
            text = "\n".join(details + summary)
            log = ("\njob log (end):\n" + job.output()[-4000:]) if job else ""
            self.fail("verify found differences:\n" + text + r.stderr.decode()[-2000:] + log)
        return r.returncode, out

    def run_job_to_end(self, args, env=None, timeout=120):
        """Runs a bounded job and returns its summary output."""
        p = self.start_job(args, env=env)
        code = p.wait(timeout)
        out = p.output()
        self.assertEqual(code, 0, "job failed:\n" + out[-6000:])
        return out
