"""make bench against the real servers (Apache Kafka 4, Elasticsearch 7.17,
from Maven Central via tests/support/servers), one run, one JSON object:

1. The Kafka path: a 4-partition topic preloaded with N messages of a
   simulated day (ubaflow datagen), then bare librdkafka consumers (one per
   partition, no processing, the source's consumer settings:
   bench/kafka_consume_bench.cpp) and `ubaflow run` read it from the
   earliest offset to the end, alternately, three times each; the median of
   each is kept. Rates are messages over the whole process's wall time,
   start-up included, for both.
2. End-to-end result latency with default settings: a job reads a topic
   and writes to Elasticsearch while a producer sends a day's events in
   event-time order at a steady rate; for every 10-minute window, the time
   from producing the event that moves the watermark past the window's end
   (ts >= end + watermark delay) to the window's document being found by a
   search. p50 and p99 over the windows.

  /usr/bin/python3 bench/real_servers.py BIN EVENTS
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("UBAFLOW_BIN", os.path.abspath(sys.argv[1]))

import real_servers  # noqa: E402  (needs UBAFLOW_BIN first)

BIN = os.path.abspath(sys.argv[1])
EVENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000
BUILD = os.path.dirname(BIN)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True,
                          cwd=ROOT, **kw)


def kafka_path(kafka, work):
    kafka.create_topic("bench", 4)
    started = time.time()
    run([BIN, "datagen", "--kafka.bootstrap-servers", kafka.bootstrap, "--kafka.topic", "bench",
         "--datagen.events", str(EVENTS), "--datagen.days", "1", "--datagen.progress", "0"],
        timeout=600)
    produce_rate = EVENTS / (time.time() - started)
    bare, job = [], []
    for attempt in range(3):
        # Both timed the same way: the whole process, start-up included.
        started = time.time()
        out = run([os.path.join(BUILD, "ubaflow_kafka_consume_bench"), kafka.bootstrap, "bench",
                   str(EVENTS)], timeout=600).stdout.decode()
        seconds = time.time() - started
        result = json.loads(out.strip().splitlines()[-1])
        assert result["messages"] == EVENTS, result
        bare.append(EVENTS / seconds)
        started = time.time()
        out = run([BIN, "run", "--kafka.bootstrap-servers", kafka.bootstrap,
                   "--kafka.topic", "bench", "--kafka.bounded", "true",
                   "--kafka.group-id", "bench-%d" % attempt,
                   "--sink.ndjson.dir", os.path.join(work, "out-%d" % attempt),
                   "--progress.interval", "0", "--log.level", "warn", "--rest.port", "0"],
                  timeout=600).stdout.decode()
        seconds = time.time() - started
        read = int(re.search(r"records\s+([0-9,]+) read", out).group(1).replace(",", ""))
        assert read == EVENTS, out
        job.append(EVENTS / seconds)
        log("kafka path, attempt %d: bare %.0f/s, ubaflow %.0f/s" % (attempt + 1, bare[-1],
                                                                     job[-1]))
    median = lambda xs: sorted(xs)[len(xs) // 2]
    return {"real_kafka_events": EVENTS, "real_kafka_produce_per_s": round(produce_rate),
            "real_kafka_bare_per_s": round(median(bare)),
            "real_kafka_ubaflow_per_s": round(median(job))}


def latency(kafka, es, work, windows=100, step_s=20, interval_s=0.01):
    """Windows of 10 minutes; one event per `interval_s` of wall time,
    `step_s` of event time apart."""
    from kafka import KafkaProducer  # Debian's python3-kafka
    kafka.create_topic("latency", 1)
    job = subprocess.Popen([BIN, "run", "--kafka.bootstrap-servers", kafka.bootstrap,
                            "--kafka.topic", "latency", "--kafka.group-id", "latency",
                            "--sink.outputs", "elasticsearch", "--sink.es.hosts", es.url,
                            "--sink.es.index-prefix", "lat_", "--progress.interval", "0",
                            "--rest.port", "0"],
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "job.log"), "wb"),
                           cwd=ROOT)
    try:
        producer = KafkaProducer(bootstrap_servers=[kafka.bootstrap], linger_ms=0, acks=1)
        start = datetime(2017, 11, 27, 0, 0, 0)
        delay = timedelta(seconds=5)  # event-time.watermark-delay's default
        produced = {}  # window end -> wall time of the event that closes it
        found = {}
        done = threading.Event()

        def poll():
            while not done.is_set() or len(found) < len(produced):
                for end, at in list(produced.items()):
                    if end in found:
                        continue
                    r = es.call("POST", "/lat_cumulative_uv/_search", {
                        "query": {"term": {"time_str": end.strftime("%Y-%m-%d %H:%M:%S")}}})
                    if r and r.get("hits", {}).get("total", {}).get("value", 0) > 0:
                        found[end] = time.time()
                if done.is_set() and time.time() > deadline:
                    return
                time.sleep(0.005)
        deadline = float("inf")
        poller = threading.Thread(target=poll)
        poller.start()
        # Let the job start before the clock runs.
        producer.send("latency", json.dumps({"user_id": "1", "item_id": "1", "category_id": "1",
                                             "behavior": "pv", "ts": "2017-11-26 23:59:50"}
                                            ).encode()).get(timeout=30)
        time.sleep(5)
        ts = start
        n = 0
        closed = set()
        while len(closed) < windows + 1:
            next_send = time.time() + interval_s
            value = json.dumps({"user_id": str(1000 + n % 5000), "item_id": str(n),
                                "category_id": "2520771", "behavior": "pv",
                                "ts": ts.strftime("%Y-%m-%d %H:%M:%S")}).encode()
            sent_at = time.time()
            producer.send("latency", value)
            producer.flush()
            end = (ts - delay).replace(second=0, microsecond=0)
            end -= timedelta(minutes=end.minute % 10)
            # The first event at or after end + delay closes the window
            # [end - 10 min, end).
            if end > start and end not in closed:
                closed.add(end)
                if len(closed) > 1:  # the first boundary may be half-seen
                    produced[end] = sent_at
            ts += timedelta(seconds=step_s)
            n += 1
            time.sleep(max(0.0, next_send - time.time()))
        deadline = time.time() + 30
        done.set()
        poller.join()
    finally:
        job.terminate()
        job.wait(timeout=60)
    latencies = sorted((found[e] - produced[e]) * 1000 for e in produced if e in found)
    missing = len(produced) - len(latencies)
    assert latencies, "no window reached Elasticsearch"

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)
    log("latency over %d windows: p50 %.0f ms, p99 %.0f ms, max %.0f ms, %d missing"
        % (len(latencies), pct(0.5), pct(0.99), latencies[-1], missing))
    return {"latency_windows": len(latencies), "latency_missing": missing,
            "latency_p50_ms": pct(0.5), "latency_p99_ms": pct(0.99),
            "latency_max_ms": round(latencies[-1], 1)}


def main():
    work = tempfile.mkdtemp(prefix="ubaflow-bench-real-")
    kafka = real_servers.Kafka(work, nodes=1)
    es = real_servers.Elasticsearch(work)
    try:
        result = {"kafka_version": "4.4.0", "es_version": "7.17.29"}
        result.update(kafka_path(kafka, work))
        result.update(latency(kafka, es, work))
        print(json.dumps(result))
    finally:
        kafka.stop()
        es.stop()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
