"""Flink 1.20, the system ubaflow replaces, running the seed's job
(bench/flink/taobao.sql) on a local MiniCluster, for the comparison test
(test_flink_results.py) and make bench (bench/flink_compare.py).

The jars come from Maven Central (bench/flink/pom.xml pins them), resolved
once into ~/.cache/ubaflow by deploy/deps/maven-module.sh; nothing is
committed. Also here: reading each engine's result documents back from
Elasticsearch into one comparable shape."""
import json
import os
import subprocess
import threading
import time

import harness

MODULE = os.path.join(harness.ROOT, "bench", "flink")
SCRIPT = os.path.join(MODULE, "taobao.sql")
INDICES = ("buy_cnt_per_hour", "cumulative_uv", "cumulative_uv_daily", "top_category")


def classpath():
    """The runner's class path (Flink's jars resolved from Maven Central once)."""
    return harness.maven_classpath(MODULE, "flink")


class FlinkJob:
    """One run of the seed's job: `SqlRunner` in a JVM of its own (optionally
    pinned with taskset), awaited to its bounded end.

    variables: the script's ${NAME}s (KAFKA_TOPIC, ES_HOSTS, ...).
    overrides: TABLE:connector=...,k=v re-registrations, e.g. a file source
      ("user_behavior:connector=filesystem,path=F,format=inherit") or a
      blackhole sink ("buy_cnt_per_hour:connector=blackhole")."""

    def __init__(self, workdir, variables, overrides=(), parallelism=2, cpus=None,
                 mini_batch=True, heap="1g", name="flink", env=None):
        self.log_path = os.path.join(workdir, name + ".log")
        self.flink_log = os.path.join(workdir, name + "-flink.log")
        args = ["java", "-Xmx" + heap, "-Xms" + heap, "-XX:+UseG1GC",
                "-Dubaflow.flink.log=" + self.flink_log,
                "-cp", classpath(), "ubaflow.flinkbench.SqlRunner",
                "--script", SCRIPT, "--parallelism", str(parallelism), "--timeout", "1200",
                "--var", "MINI_BATCH=" + ("true" if mini_batch else "false")]
        for key, value in sorted(variables.items()):
            args += ["--var", "%s=%s" % (key, value)]
        for override in overrides:
            args += ["--override", override]
        if cpus is not None:
            args = ["taskset", "-c", cpus] + args
        self.env = dict(os.environ, **(env or {}))
        self.args = args
        self.finished = False  # true once the JVM exited (for on_start's loops)

    def run(self, timeout=1200, on_start=None):
        """Runs to the end; returns SqlRunner's report plus wall_s (process
        start to exit), cpu_s and peak_rss_kib (the JVM process, from wait4),
        and what on_start(started_at) returned (run in a thread beside it)."""
        with open(self.log_path, "wb") as log, open(self.log_path + ".out", "wb") as out:
            started = time.time()
            proc = subprocess.Popen(self.args, stdout=out, stderr=log, env=self.env,
                                    cwd=harness.ROOT)
            side = Background(on_start, started) if on_start else None
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            wall = time.time() - started
            self.finished = True
        with open(self.log_path + ".out") as f:
            lines = [line for line in f.read().splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            raise AssertionError("Flink run failed (exit %s):\n%s\n%s" % (
                proc.returncode, _tail(self.log_path), _tail(self.flink_log)))
        report = json.loads(lines[-1])
        report["wall_s"] = wall
        report["cpu_s"] = report["cpu_ms"] / 1000.0
        report["side"] = side.result(timeout=30) if side else None
        return report


class Background:
    """fn(*args) in a thread; result() waits for it (bounded)."""

    def __init__(self, fn, *args):
        self.value = None
        self.thread = threading.Thread(target=self._run, args=(fn,) + args, daemon=True)
        self.thread.start()

    def _run(self, fn, *args):
        self.value = fn(*args)

    def result(self, timeout):
        self.thread.join(timeout)
        return self.value


def _tail(path, size=6000):
    try:
        with open(path, errors="replace") as f:
            return f.read()[-size:]
    except FileNotFoundError:
        return ""


def search_all(es, index):
    """Every document's _source in an index (scrolling; [] if there is none)."""
    es.call("POST", "/%s/_refresh" % index)
    page = es.call("POST", "/%s/_search?scroll=1m" % index,
                   {"size": 5000, "sort": ["_doc"], "query": {"match_all": {}}})
    if not page or "hits" not in page:
        return []
    out = []
    while page["hits"]["hits"]:
        out += [hit["_source"] for hit in page["hits"]["hits"]]
        page = es.call("POST", "/_search/scroll",
                       {"scroll": "1m", "scroll_id": page["_scroll_id"]})
    return out


def _sql_time(text):
    """'2017-11-26 08:00:00', whichever of Flink's or ubaflow's spellings."""
    return str(text)[:19].replace("T", " ")


def results(es, prefix, unknown_label="unknown"):
    """Both engines' documents in one shape, per index:
    buy_cnt_per_hour {window start: buys}, cumulative_uv {window end: uv},
    cumulative_uv_daily {(day, step end): uv}, top_category {name: buys}.

    A window is one document in both. top_category differs in form only:
    ubaflow upserts one document per category, Flink (no primary key, see
    taobao.sql) appends one per update, so a category's count is its
    largest; Flink's NULL name (the lookup found no row) is ubaflow's
    "unknown" label. Duplicated window documents are returned as lists so
    that a comparison sees them."""
    out = {}
    hourly = {}
    for doc in search_all(es, prefix + "buy_cnt_per_hour"):
        hourly.setdefault(_sql_time(doc["event_time"]), []).append(doc["buy_cnt"])
    out["buy_cnt_per_hour"] = _single(hourly)
    uv = {}
    for doc in search_all(es, prefix + "cumulative_uv"):
        uv.setdefault(_sql_time(doc["time_str"]), []).append(doc["uv"])
    out["cumulative_uv"] = _single(uv)
    daily = {}
    for doc in search_all(es, prefix + "cumulative_uv_daily"):
        daily.setdefault((doc["date_str"], _sql_time(doc["time_str"])), []).append(doc["uv"])
    out["cumulative_uv_daily"] = _single(daily)
    categories = {}
    for doc in search_all(es, prefix + "top_category"):
        name = doc.get("category_name")
        name = unknown_label if name is None else name
        categories[name] = max(categories.get(name, 0), doc["buy_cnt"])
    out["top_category"] = categories
    return out


def _single(multi):
    return {key: values[0] if len(values) == 1 else values for key, values in multi.items()}


def differences(expected, actual):
    """Per index, the keys whose values differ: {index: [(key, expected, actual)]}."""
    out = {}
    for index in INDICES:
        left, right = expected.get(index, {}), actual.get(index, {})
        rows = [(key, left.get(key), right.get(key))
                for key in sorted(set(left) | set(right), key=str)
                if left.get(key) != right.get(key)]
        if rows:
            out[index] = rows
    return out


def first_document_time(es, prefix, started, deadline_s=600, done=None):
    """Seconds from `started` until any of the job's indices holds a
    searchable document (polled every 50 ms; None if none came before the
    deadline or, after done() turns true, within 5 s more)."""
    pattern = ",".join(prefix + index for index in INDICES)
    end = started + deadline_s
    while time.time() < end:
        r = es.call("GET", "/%s/_count?ignore_unavailable=true&allow_no_indices=true" % pattern)
        if r and r.get("count", 0) > 0:
            return time.time() - started
        if done is not None and done():
            end = min(end, time.time() + 5)
        time.sleep(0.05)
    return None
