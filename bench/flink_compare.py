"""make bench, step 7: ubaflow and Flink 1.20 side by side, same data, same
cores, one run (called by bench/run.sh; runs on its own too). Prints one
JSON object as its last line.

  /usr/bin/python3 bench/flink_compare.py BIN EVENTS [SECTION.md]

With SECTION.md, also writes the docs/benchmarks.md section (markdown).

The job is the seed's in both: ubaflow's four results, and Flink running
bench/flink/taobao.sql (the seed's SQL) on a local MiniCluster through
ubaflow.flinkbench.SqlRunner (tests/integration/flink_peer.py). The category
lookup is the same MariaDB table for both, in every run.

(b) The engine figure: one JSON-lines file of a simulated day (datagen,
    EVENTS events, time-ordered), read by
      - ubaflow run (both cores; the file cut into 2 ranges),
      - ubaflow coordinator + 2 workers, 1 slot each, pinned to a core each,
      - ubaflow coordinator + 1 worker (2 slots), all pinned to core 0,
      - Flink parallelism 2 (both cores) and parallelism 1 pinned to core 0,
    Flink's four sinks replaced by blackhole (the engine without output),
    ubaflow writing its NDJSON files (a few hundred rows). Rates are events
    over the whole process's wall time, start-up included; ubaflow's runs
    are short, so each is run three times and the median kept.
(a) End to end: the same events in a 4-partition topic of Apache Kafka 4
    (real_servers.Kafka, from earliest, bounded), written to Elasticsearch
    7.17 by both (their own index prefixes): ubaflow run, the 2-worker
    cluster and Flink parallelism 2, once each. Also measured: the time
    from process start to the first searchable result document, the CPU
    the broker and Elasticsearch used meanwhile, and every result row of
    Flink against ubaflow's (flink_peer.results / differences).
Profiles: perf for ubaflow run (b), Java Flight Recorder for Flink p2 (b),
each reduced to the share of CPU samples per component.
"""
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("UBAFLOW_BIN", os.path.abspath(sys.argv[1]))

import flink_peer  # noqa: E402
import harness  # noqa: E402
import real_servers  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
EVENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
SECRET_ENV = {"UBAFLOW_CLUSTER_SECRET": "bench-secret"}


def log(*args):
    print("flink-compare:", *args, file=sys.stderr, flush=True)


def median(values):
    return sorted(values)[len(values) // 2]


def proc_cpu_s(pid):
    """CPU seconds (user + system) a running process has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Measured:
    """A child process measured with wait4: wall time, CPU, peak RSS."""

    def __init__(self, args, log_path, env=None, cpus=None):
        if cpus is not None:
            args = ["taskset", "-c", cpus] + list(args)
        self.log_path = log_path
        self.started = time.time()
        with open(log_path, "wb") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                         env=dict(os.environ, **(env or {})), cwd=ROOT)
        self.result = None

    def wait(self, timeout=1200):
        deadline = time.time() + timeout
        while True:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                break
            if time.time() > deadline:
                self.proc.kill()
                raise AssertionError("%s: no end within %d s" % (self.log_path, timeout))
            time.sleep(0.005)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.result = {"wall_s": time.time() - self.started,
                       "cpu_s": usage.ru_utime + usage.ru_stime,
                       "peak_rss_kib": usage.ru_maxrss, "exit": self.proc.returncode}
        if self.proc.returncode != 0:
            with open(self.log_path, errors="replace") as f:
                raise AssertionError("%s exited %d:\n%s" % (self.log_path, self.proc.returncode,
                                                           f.read()[-4000:]))
        return self.result

    def running(self):
        return self.result is None


class Bench:
    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="ubaflow-flink-bench-")
        self.db = harness.MariaDB(self.work)
        self.day = os.path.join(self.work, "day.jsonl")
        self.runs = 0

    def path(self, name):
        return os.path.join(self.work, name)

    def next_name(self, what):
        self.runs += 1
        return "%02d-%s" % (self.runs, what)

    # -- ubaflow -------------------------------------------------------------
    def lookup_args(self):
        return self.db.job_args()

    def sink_args(self, name, es=None):
        if es is None:
            return ["--sink.ndjson.dir", self.path(name + "-out")]
        return ["--sink.outputs", "elasticsearch", "--sink.es.hosts", es.url,
                "--sink.es.index-prefix", "ubaflow_%s_" % name]

    def ubaflow_run(self, source_args, es=None, cpus=None, on_start=None):
        name = self.next_name("ubaflow-run")
        job = Measured([BIN, "run"] + source_args + self.sink_args(name, es)
                       + self.lookup_args()
                       + ["--progress.interval", "0", "--log.level", "warn", "--rest.port", "0"],
                       self.path(name + ".log"), env=self.db.job_env(), cpus=cpus)
        side = flink_peer.Background(on_start, job) if on_start else None
        result = job.wait()
        result["side"] = side.result(30) if side else None
        result["name"] = name
        return result

    def ubaflow_cluster(self, workers, source_args, es=None, pin=False, on_start=None):
        """Coordinator + `workers` workers (1 slot each; a single worker gets
        2 slots so that both source ranges run). With pin, the coordinator
        and worker i run on core i-1 (one worker: everything on core 0)."""
        name = self.next_name("ubaflow-cluster-%d" % workers)
        port = harness.free_port()
        coordinator = Measured(
            [BIN, "coordinator", "--coordinator.port", str(port),
             "--cluster.min-workers", str(workers), "--rest.port", "0",
             "--progress.interval", "0"] + source_args + self.sink_args(name, es)
            + self.lookup_args(), self.path(name + "-coordinator.log"),
            env=dict(SECRET_ENV, **self.db.job_env()), cpus="0" if pin else None)
        members = [Measured(
            [BIN, "worker", "--worker.coordinator", "127.0.0.1:%d" % port,
             "--worker.name", "w%d" % i, "--worker.slots", "2" if workers == 1 else "1",
             "--worker.metrics-port", "0"], self.path("%s-worker-%d.log" % (name, i)),
            env=dict(SECRET_ENV, **self.db.job_env()), cpus=str(i % 2) if pin else None)
            for i in range(workers)]
        side = flink_peer.Background(on_start, coordinator) if on_start else None
        result = coordinator.wait()
        worker_results = [m.wait(60) for m in members]
        result["cpu_s"] += sum(w["cpu_s"] for w in worker_results)
        result["peak_rss_kib"] = max([result["peak_rss_kib"]]
                                     + [w["peak_rss_kib"] for w in worker_results])
        result["total_rss_kib"] = result["peak_rss_kib"] + sum(
            w["peak_rss_kib"] for w in worker_results)
        result["side"] = side.result(30) if side else None
        result["name"] = name
        return result

    # -- Flink ---------------------------------------------------------------
    def flink(self, parallelism, file_input=None, kafka=None, es=None, cpus=None,
              on_start=None, profile=None):
        name = self.next_name("flink-p%d" % parallelism)
        variables = {"KAFKA_TOPIC": "bench", "KAFKA_GROUP": name,
                     "KAFKA_BOOTSTRAP": kafka.bootstrap if kafka else "127.0.0.1:1",
                     "ES_HOSTS": es.url if es else "http://127.0.0.1:1",
                     "INDEX_PREFIX": "flink_%s_" % name,
                     "JDBC_URL": "jdbc:mysql://127.0.0.1:%d/flink" % self.db.port,
                     "MYSQL_USER": self.db.user}
        overrides = []
        if file_input:
            overrides.append("user_behavior:connector=filesystem,path=%s,format=inherit"
                             % file_input)
        if es is None:
            overrides += ["%s:connector=blackhole" % index for index in flink_peer.INDICES]
        job = flink_peer.FlinkJob(self.work, variables, overrides, parallelism=parallelism,
                                  cpus=cpus, name=name,
                                  env={"MYSQL_PASSWORD": self.db.password})
        if profile:
            job.args.insert(job.args.index("-cp"),
                            "-XX:StartFlightRecording=filename=%s,settings=profile" % profile)
        result = job.run(timeout=1200, on_start=(lambda t: on_start(job, t)) if on_start
                         else None)
        result["name"] = name
        result["index_prefix"] = variables["INDEX_PREFIX"]
        return result


def rate(result):
    return EVENTS / result["wall_s"]


def summarize(result):
    keys = ("wall_s", "cpu_s", "peak_rss_kib", "total_rss_kib", "net_runtime_ms",
            "jvm_start_ms", "main_entered_ms", "first_statement_ms", "first_doc_s")
    out = {k: result[k] for k in keys if k in result}
    out["events_per_s"] = round(rate(result))
    out["cpu_s_per_m"] = round(result["cpu_s"] / (EVENTS / 1e6), 3)
    return out


def engine_figures(bench):
    """(b): the file, every engine, scale-out."""
    splits = ["--source.type", "file", "--source.files", bench.day, "--source.file-splits", "2"]
    figures = {}
    samples = collections.defaultdict(list)
    for repetition in range(3):
        samples["ubaflow_run"].append(bench.ubaflow_run(splits))
        samples["ubaflow_run_1core"].append(bench.ubaflow_run(splits, cpus="0"))
        samples["ubaflow_cluster_2"].append(bench.ubaflow_cluster(2, splits, pin=True))
        samples["ubaflow_cluster_1"].append(bench.ubaflow_cluster(1, splits, pin=True))
        log("file, round %d: run %.0f/s, 2 workers %.0f/s, 1 worker %.0f/s" % (
            repetition + 1, rate(samples["ubaflow_run"][-1]),
            rate(samples["ubaflow_cluster_2"][-1]), rate(samples["ubaflow_cluster_1"][-1])))
    for key, results in samples.items():
        figures[key] = summarize(median_by_rate(results))
    figures["flink_p2"] = summarize(bench.flink(2, file_input=bench.day, cpus="0,1"))
    log("file, Flink p2: %d/s" % figures["flink_p2"]["events_per_s"])
    figures["flink_p1"] = summarize(bench.flink(1, file_input=bench.day, cpus="0"))
    log("file, Flink p1: %d/s" % figures["flink_p1"]["events_per_s"])
    return figures


def median_by_rate(results):
    return sorted(results, key=rate)[len(results) // 2]


def profiles(bench):
    """Where the CPU goes: perf over ubaflow run (b), JFR over Flink p2 (b)."""
    out = {}
    perf_data = bench.path("ubaflow.perf")
    splits = ["--source.type", "file", "--source.files", bench.day, "--source.file-splits", "2"]
    r = subprocess.run(["perf", "record", "-F", "999", "-g", "-o", perf_data, "--", BIN, "run"]
                       + splits + bench.sink_args("perf") + bench.lookup_args()
                       + ["--progress.interval", "0", "--log.level", "warn", "--rest.port", "0"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env=dict(os.environ, **bench.db.job_env()))
    if r.returncode == 0:
        report = subprocess.run(["perf", "report", "-i", perf_data, "--no-children",
                                 "--sort", "symbol", "--stdio", "-g", "none",
                                 "--percent-limit", "1.5"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        rows = []
        for line in report.stdout.decode(errors="replace").splitlines():
            m = re.match(r"\s*([0-9.]+)%\s+\[[.k]\]\s+(.*)$", line)
            if m:
                symbol = re.sub(r"\s+", " ", m.group(2)).strip()
                symbol = re.sub(r"( -)+$", "", symbol)  # perf's empty columns
                rows.append((float(m.group(1)), symbol[:100]))
        out["ubaflow"] = rows[:14]
    else:
        out["ubaflow_error"] = r.stderr.decode()[-500:]
    jfr = bench.path("flink.jfr")
    bench.flink(2, file_input=bench.day, cpus="0,1", profile=jfr)
    printed = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample",
                              "--stack-depth", "64", jfr],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out["flink"] = jfr_components(printed.stdout.decode(errors="replace"))
    return out


# A sample belongs to the first component whose pattern matches a frame,
# frames read from the top of the stack.
JFR_COMPONENTS = [
    ("JSON parsing (Jackson, Flink's JSON format)", r"jackson|formats\.json"),
    ("timestamp parsing (java.time)", r"java\.time"),
    ("record (de)serialization and copying between operators",
     r"typeutils|RowDataSerializer|BinaryRowData|DataOutputSerializer|"
     r"DataInputDeserializer|SpanningRecordSerializer|RecordWriter|serializ"),
    ("state access (heap keyed state, MapState for COUNT DISTINCT)",
     r"runtime\.state|heap\.|StateTable|MapState|ValueState"),
    ("code-generated operators (aggregates, calc, joins)", r"GroupAggsHandler|Calc|"
     r"codegen|LocalWindowAgg|GlobalWindowAgg|Generated|janino|Projection"),
    ("window and aggregate runtime", r"operators\.window|aggregate|SlicingWindow|"
     r"WindowOperator|MiniBatch"),
    ("lookup join (JDBC)", r"jdbc|lookup"),
    ("file reading and splitting", r"connector\.file|FileSource|StreamFormat|LineReader|"
     r"java\.io|sun\.nio"),
    ("network stack and mailbox", r"io\.network|mailbox|netty"),
    ("JIT, GC and JVM internals", r"^jdk\.internal|^java\.lang\.invoke"),
]


def jfr_components(text):
    counts = collections.Counter()
    total = 0
    for sample in text.split("jdk.ExecutionSample")[1:]:
        frames = re.findall(r"^\s+([\w$.<>]+)\(", sample, re.M)
        if not frames:
            continue
        total += 1
        for label, pattern in JFR_COMPONENTS:
            if any(re.search(pattern, f) for f in frames[:12]):
                counts[label] += 1
                break
        else:
            counts["other (" + frames[0].rsplit(".", 2)[-2] + ")"] += 1
    return {"samples": total,
            "shares": [(round(100.0 * c / max(total, 1), 1), label)
                       for label, c in counts.most_common(12)]}


def end_to_end(bench):
    """(a): the topic, written to Elasticsearch; results compared."""
    kafka = real_servers.Kafka(bench.work)
    es = real_servers.Elasticsearch(bench.work)
    try:
        kafka.create_topic("bench", 4)
        tee = bench.path("sent.jsonl")
        subprocess.run([BIN, "datagen", "--kafka.bootstrap-servers", kafka.bootstrap,
                        "--kafka.topic", "bench", "--datagen.events", str(EVENTS),
                        "--datagen.days", "1", "--datagen.start-day", "2017-11-26",
                        "--datagen.progress", "0", "--datagen.tee", tee],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=900)
        same = subprocess.run(["cmp", "-s", tee, bench.day]).returncode == 0
        servers = {"kafka": kafka.nodes[0].process.proc.pid, "es": es.process.proc.pid}
        kafka_source = ["--kafka.bootstrap-servers", kafka.bootstrap, "--kafka.topic", "bench",
                        "--kafka.bounded", "true"]
        figures = {"same_events_as_file": same}

        def measured(key, fn, prefix_of):
            before = {k: proc_cpu_s(pid) for k, pid in servers.items()}
            result = fn()
            result["first_doc_s"] = result.pop("side")
            summary = summarize(result)
            for k, pid in servers.items():
                summary[k + "_cpu_s"] = round(proc_cpu_s(pid) - before[k], 2)
            summary["index_prefix"] = prefix_of(result)
            figures[key] = summary
            log("topic, %s: %d/s, first document after %s s" % (
                key, summary["events_per_s"], summary["first_doc_s"]))

        def first_doc(prefix):
            return lambda proc: flink_peer.first_document_time(
                es, prefix, proc.started, done=lambda: not proc.running())

        prefix = "ubaflow_%02d-ubaflow-run_" % (bench.runs + 1)
        measured("ubaflow_run", lambda: bench.ubaflow_run(
            kafka_source + ["--kafka.group-id", "bench-run"], es=es,
            on_start=first_doc(prefix)), lambda r: "ubaflow_%s_" % r["name"])
        prefix = "ubaflow_%02d-ubaflow-cluster-2_" % (bench.runs + 1)
        measured("ubaflow_cluster_2", lambda: bench.ubaflow_cluster(
            2, kafka_source + ["--kafka.group-id", "bench-cluster"], es=es,
            on_start=first_doc(prefix)), lambda r: "ubaflow_%s_" % r["name"])
        prefix = "flink_%02d-flink-p2_" % (bench.runs + 1)
        measured("flink_p2", lambda: bench.flink(
            2, kafka=kafka, es=es, cpus="0,1",
            on_start=lambda job, t: flink_peer.first_document_time(
                es, prefix, t, done=lambda: job.finished)),
            lambda r: r["index_prefix"])
        # Every row of every index: Flink's against ubaflow run's and the cluster's.
        ours = flink_peer.results(es, figures["ubaflow_run"]["index_prefix"])
        cluster = flink_peer.results(es, figures["ubaflow_cluster_2"]["index_prefix"])
        theirs = flink_peer.results(es, figures["flink_p2"]["index_prefix"])
        figures["rows"] = {index: len(ours[index]) for index in flink_peer.INDICES}
        figures["differences_flink"] = flink_peer.differences(ours, theirs)
        figures["differences_cluster"] = flink_peer.differences(ours, cluster)
        figures["versions"] = {"kafka": kafka_version(), "es": es_version(es)}
        return figures
    finally:
        kafka.stop()
        es.stop()


def kafka_version():
    m = re.search(r"kafka_2\.13-([0-9.]+)\.jar", real_servers.classpath())
    return m.group(1) if m else "4"


def es_version(es):
    return (es.call("GET", "/") or {}).get("version", {}).get("number", "7.17")


def flink_version():
    m = re.search(r"flink-table-runtime-([0-9.]+)\.jar", flink_peer.classpath())
    return m.group(1) if m else "1.20"


def main():
    flink_peer.classpath()
    real_servers.classpath()
    bench = Bench()
    try:
        log("%d events of a simulated day into %s" % (EVENTS, bench.day))
        subprocess.run([BIN, "datagen", "--datagen.output", "file", "--datagen.file", bench.day,
                        "--datagen.events", str(EVENTS), "--datagen.days", "1",
                        "--datagen.start-day", "2017-11-26", "--datagen.progress", "0"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result = {"events": EVENTS, "flink": flink_version()}
        result["file"] = engine_figures(bench)
        result["profiles"] = profiles(bench)
        result["topic"] = end_to_end(bench)
        print(json.dumps(result))
        if len(sys.argv) > 3:
            import flink_report  # noqa: E402  (bench/, beside this file)
            with open(sys.argv[3], "w") as f:
                f.write(flink_report.markdown(result))
    finally:
        bench.db.stop()
        if os.environ.get("UBAFLOW_KEEP_TMP") != "1":
            shutil.rmtree(bench.work, ignore_errors=True)


if __name__ == "__main__":
    main()
