#!/usr/bin/env bash
# `make bench`: measures ubaflow's hot paths and writes docs/benchmarks.md.
#   0. the former hard-wired engine (commit 137f6d7), built once: issue 13's
#      yardstick in steps 1 and 2
#   1. the default job's plain classes on one core (in-memory simulated
#      day) vs its decoder alone, and the parsers compared
#   2. `ubaflow run` from a file: a simulated day (~11 M events), 1 and 2
#      cores, with peak memory
#   3. the Kafka path (mock broker, preloaded) vs a bare librdkafka consumer
#   4. datagen vs the seed's datagen.py method (python3-kafka), same broker
#   5. the cluster: 1, 2, 4 worker processes, exchange bytes, recovery time
#   6. the real servers (Apache Kafka 4, Elasticsearch 7.17): the Kafka path
#      vs bare consumers, end-to-end result latency
#   7. ubaflow and Flink 1.20 side by side on the seed's job (bench/flink,
#      bench/flink_compare.py): a file and a real topic, scale-out, memory,
#      CPU, first result, profiles, results compared row by row
# Sizes can be lowered for a quick look: UBAFLOW_BENCH_DAY_EVENTS=2000000;
# UBAFLOW_BENCH_ROUNDS (5) sets the rounds of steps 1 and 2,
# UBAFLOW_BENCH_FORMER=0 leaves the former engine out.
set -euo pipefail
# The default job (jobs/taobao.sql) joins a MySQL table; runs that say
# nothing of MySQL read it from data/category.csv, as the demo does.
export UBAFLOW_LOOKUP_SOURCE="${UBAFLOW_LOOKUP_SOURCE:-csv}"

bin="$(realpath "${1:-build/ubaflow}")"
build="$(dirname "$bin")"
root="$(cd "$(dirname "$0")/.." && pwd)"
day_events="${UBAFLOW_BENCH_DAY_EVENTS:-11000000}"
engine_events="${UBAFLOW_BENCH_ENGINE_EVENTS:-4000000}"
kafka_events="${UBAFLOW_BENCH_KAFKA_EVENTS:-500000}"
seed_events="${UBAFLOW_BENCH_SEED_EVENTS:-20000}"
work="$(mktemp -d /tmp/ubaflow-bench.XXXXXX)"
broker_pid=""
cleanup() {
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
summary_field() { grep -o "$1" | head -1; }
larger() { python3 -c "print(round(max($1, $2)))"; }
# Rounds of steps 1 and 2 (the default job beside the former engine): the
# best run of each side counts, as the host's load only ever slows a run.
rounds="${UBAFLOW_BENCH_ROUNDS:-5}"

# The former hard-wired engine is issue 13's yardstick (the default job
# through the SQL path at >= 85 % of its rate, same run, same data). It is
# gone from the tree, so it is built from the last commit that had it,
# once, into $build/former-engine (kept between runs; a rerun only checks
# it), and measured beside the default job in steps 1 and 2. Without the
# git history (a tree exported without .git) or with UBAFLOW_BENCH_FORMER=0
# those rows are left out.
former_rev=137f6d7
former=""
if [ "${UBAFLOW_BENCH_FORMER:-1}" != 0 ] \
    && git -C "$root" cat-file -e "$former_rev^{commit}" 2>/dev/null; then
  step "0/7 the former hard-wired engine: commit $former_rev, built into $build/former-engine"
  former="$build/former-engine/build"
  if [ ! -f "$build/former-engine/src/.extracted" ]; then
    rm -rf "$build/former-engine/src"
    mkdir -p "$build/former-engine/src"
    git -C "$root" archive "$former_rev" | tar -x -C "$build/former-engine/src"
    touch "$build/former-engine/src/.extracted"
  fi
  [ -f "$former/build.ninja" ] || cmake -S "$build/former-engine/src" -B "$former" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUBAFLOW_BUILD_TESTS=OFF >/dev/null
  cmake --build "$former" -j "$(nproc)" --target ubaflow ubaflow_engine_bench >/dev/null
fi

step "1/7 the default job on one core vs its decoder alone ($engine_events events in memory)"
# jobs/taobao.sql through the engine's plain classes and, alternately, the
# former hard-wired engine over the same simulated day, UBAFLOW_BENCH_ROUNDS
# (5) rounds, the best run of each (one run moves by a few per cent with the
# machine).
best_of() { # $1: the rate's key; reads one JSON object per line
  python3 -c "import json,sys; runs=[json.loads(l) for l in sys.stdin if l.strip()]; print(json.dumps(max(runs, key=lambda r: r['$1'])))"
}
sql_runs=""
former_runs=""
for round in $(seq "$rounds"); do
  if [ -n "$former" ]; then
    former_runs+="$(taskset -c 0 "$former/ubaflow_engine_bench" "$engine_events" 4 2 \
      | grep engine_events_per_s)"$'\n'
  fi
  sql_runs+="$(taskset -c 0 "$build/ubaflow_sql_bench" "$engine_events" 2)"$'\n'
done
sql="$(printf '%s' "$sql_runs" | best_of sql_events_per_s)"
if [ -n "$former" ]; then
  former_engine="$(printf '%s' "$former_runs" | best_of engine_events_per_s)"
  echo "former engine: $former_engine" >&2
  former_plain_rate=$(echo "$former_engine" | json "['engine_events_per_s']")
fi
echo "$sql" >&2
sql_rate=$(echo "$sql" | json "['sql_events_per_s']")
sql_decode_rate=$(echo "$sql" | json "['decode_only_events_per_s']")
sql_bytes_per_event=$(echo "$sql" | json "['exchange_bytes_per_event']")
sql_flush_ns=$(echo "$sql" | json "['flush_ns_per_event']")
sql_owners_ns=$(echo "$sql" | json "['owners_ns_per_event']")

step "1b parsers: ubaflow's reader vs simdjson On-Demand vs Boost.JSON"
parsers="$(taskset -c 0 "$build/ubaflow_parser_bench" 2000000)"
echo "$parsers" >&2
p_ours=$(echo "$parsers" | json "['ubaflow_per_s']")
p_simd=$(echo "$parsers" | json "['simdjson_ondemand_per_s']")
p_simd_copy=$(echo "$parsers" | json "['simdjson_ondemand_with_copy_per_s']")
p_boost=$(echo "$parsers" | json "['boost_json_per_s']")

step "2/7 ubaflow run over a simulated day in a file ($day_events events)"
"$bin" datagen --datagen.output file --datagen.file "$work/day.jsonl" \
  --datagen.events "$day_events" --datagen.days 1 --datagen.start-day 2017-11-26 \
  --datagen.progress 0 2> "$work/datagen-file.log"
file_gen_rate=$(grep -o '([0-9,]*/s)' "$work/datagen-file.log" | tr -d '(),/s')
run_file() { # CORES BINARY OUTPUT_DIR
  $1 "$2" run --source.type file --source.files "$work/day.jsonl" --source.file-splits 2 \
    --lookup.source csv --lookup.csv-path "$root/data/category.csv" \
    --sink.ndjson.dir "$3" --progress.interval 0 --log.level warn 2>/dev/null
}
rate_of() { echo "$1" | grep -o 'accepted ([0-9,]*/s)' | tr -dc '0-9'; }
faster() { # the run of the two with the higher rate (the first if none yet)
  if [ -z "$1" ] || [ "$(rate_of "$2")" -gt "$(rate_of "$1")" ]; then echo "$2"; else echo "$1"; fi
}
# One core, UBAFLOW_BENCH_ROUNDS (5) rounds, the fastest run; the former engine's job
# alternately over the same file.
one_core=""
former_run=""
for round in $(seq "$rounds"); do
  if [ -n "$former" ]; then
    former_run="$(faster "$former_run" "$(run_file "taskset -c 0" "$former/ubaflow" "$work/out-former")")"
  fi
  one_core="$(faster "$one_core" "$(run_file "taskset -c 0" "$bin" "$work/out")")"
done
two_cores="$(run_file "" "$bin" "$work/out")"
echo "$one_core" >&2
rss_of() { echo "$1" | grep -o 'peak memory  [0-9]*' | tr -dc '0-9'; }
run_rate_1=$(rate_of "$one_core")
run_rate_2=$(rate_of "$two_cores")
run_rss=$(rss_of "$one_core")
if [ -n "$former" ]; then
  echo "former engine: $former_run" >&2
  former_run_rate=$(rate_of "$former_run")
  former_rss=$(rss_of "$former_run")
fi

step "3/7 Kafka path: mock broker preloaded with $kafka_events messages"
"$bin" broker --broker.port 0 --broker.partitions 4 \
  --broker.port-file "$work/bootstrap" > "$work/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap="$(cat "$work/bootstrap")"
"$bin" datagen --kafka.bootstrap-servers "$bootstrap" --datagen.events "$kafka_events" \
  --datagen.days 1 --datagen.progress 0 2> "$work/datagen-kafka.log"
datagen_kafka_rate=$(grep -o '([0-9,]*/s)' "$work/datagen-kafka.log" | tr -d '(),/s')
# Both read the whole topic, alternately, three rounds; the faster run of
# each (a run lasts about a second, so one alone moves with the machine).
bare_rate=0
job_kafka_rate=0
for round in 1 2 3; do
  baseline="$("$build/ubaflow_kafka_consume_bench" "$bootstrap" user_behavior "$kafka_events")"
  echo "$baseline" >&2
  bare_rate=$(larger "$(echo "$baseline" | json "['messages_per_s']")" "$bare_rate")
  rm -rf "$work/out-kafka"
  start_ns=$(date +%s%N)
  kafka_run="$("$bin" run --kafka.bootstrap-servers "$bootstrap" --kafka.bounded true \
    --kafka.group-id "bench-$round" --sink.ndjson.dir "$work/out-kafka" --progress.interval 0 \
    --log.level warn 2>/dev/null)"
  end_ns=$(date +%s%N)
  job_records=$(echo "$kafka_run" | grep -o 'records *[0-9,]* read' | tr -dc '0-9')
  bare_records=$(echo "$baseline" | json "['messages']")
  if [ "$job_records" != "$bare_records" ]; then
    echo "warning: the job read $job_records messages, the baseline $bare_records" >&2
  fi
  job_kafka_rate=$(larger "$job_records / (($end_ns - $start_ns) / 1e9)" "$job_kafka_rate")
done

step "4/7 datagen vs the seed's datagen.py method ($seed_events messages each way)"
cat > "$work/seed_method.py" <<'PY'
# The seed's datagen.py method: a KafkaProducer with a JSON serializer and
# one blocking send().get() per line from a 2000-thread pool.
import json, queue, sys, time
from concurrent.futures import ThreadPoolExecutor
from kafka import KafkaProducer
bootstrap, topic, path = sys.argv[1:4]
producer = KafkaProducer(bootstrap_servers=[bootstrap],
                         value_serializer=lambda m: json.dumps(m).encode("utf-8"))
def send(line):
    cols = line.strip("\n").split(",")
    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.localtime(int(cols[4])))
    producer.send(topic=topic, value={"user_id": cols[0], "item_id": cols[1],
                  "category_id": cols[2], "behavior": cols[3], "ts": ts}).get(timeout=30)
class Bounded(ThreadPoolExecutor):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self._work_queue = queue.Queue(4000)
start = time.time()
with open(path) as f:
    pool = Bounded(max_workers=2000)
    for line in f:
        pool.submit(send, line)
    pool.shutdown(wait=True)
print(json.dumps({"seconds": time.time() - start}))
PY
"$bin" datagen --datagen.output file --datagen.file "$work/seed.csv" \
  --datagen.events "$seed_events" --datagen.days 1 --datagen.progress 0 2>/dev/null
seed_seconds=$(/usr/bin/python3 "$work/seed_method.py" "$bootstrap" seed_topic "$work/seed.csv" \
  | json "['seconds']")
seed_rate=$(python3 -c "print(round($seed_events / $seed_seconds))")

cluster_events="${UBAFLOW_BENCH_CLUSTER_EVENTS:-4000000}"
step "5/7 the cluster: coordinator + 1, 2, 4 workers ($cluster_events events in 4 files)"
cluster="$(bash "$root/bench/cluster.sh" "$bin" "$cluster_events" 2>/dev/null | tail -1)"
echo "$cluster" >&2
c_run=$(echo "$cluster" | json "['run']")
c_w1=$(echo "$cluster" | json "['workers_1']")
c_w2=$(echo "$cluster" | json "['workers_2']")
c_w4=$(echo "$cluster" | json "['workers_4']")
c_p1=$(echo "$cluster" | json "['plain_workers_1']")
c_p2=$(echo "$cluster" | json "['plain_workers_2']")
c_p4=$(echo "$cluster" | json "['plain_workers_4']")
c_rest50=$(echo "$cluster" | json "['rest_keepalive_ms']['p50']")
c_rest99=$(echo "$cluster" | json "['rest_keepalive_ms']['p99']")
c_recovery=$(echo "$cluster" | json "['recovery_s']")
c_exact=$(echo "$cluster" | json "['recovered_exactly']" | tr 'A-Z' 'a-z')
c_restored=$(echo "$cluster" | json "['restored_checkpoint']")
c_sp_events=$(echo "$cluster" | json "['checkpoint_events']")
c_sp_users=$(echo "$cluster" | json "['day_users']")
c_sp_ms=$(echo "$cluster" | json "['savepoint_ms']")
c_sp_bytes=$(echo "$cluster" | json "['savepoint_bytes']")

real_events="${UBAFLOW_BENCH_REAL_KAFKA_EVENTS:-4000000}"
step "6/7 real Apache Kafka 4 and Elasticsearch 7.17 ($real_events messages; result latency)"
real="$(/usr/bin/python3 "$root/bench/real_servers.py" "$bin" "$real_events" | tail -1)"
echo "$real" >&2
r_kafka=$(echo "$real" | json "['kafka_version']")
r_es=$(echo "$real" | json "['es_version']")
r_produce=$(echo "$real" | json "['real_kafka_produce_per_s']")
r_bare=$(echo "$real" | json "['real_kafka_bare_per_s']")
r_job=$(echo "$real" | json "['real_kafka_ubaflow_per_s']")
r_windows=$(echo "$real" | json "['latency_windows']")
r_p50=$(echo "$real" | json "['latency_p50_ms']")
r_p99=$(echo "$real" | json "['latency_p99_ms']")

flink_events="${UBAFLOW_BENCH_FLINK_EVENTS:-10000000}"
step "7/7 ubaflow and Flink 1.20 side by side ($flink_events events; a few minutes)"
flink="$(/usr/bin/python3 "$root/bench/flink_compare.py" "$bin" "$flink_events" \
  "$work/flink-section.md" | tail -1)"
echo "$flink" >&2

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
pct() { python3 -c "print(f'{100 * $1 / $2:.0f} %')"; }
# Whether a ratio reaches issue 13's 85 %, said in the target column.
met85() { python3 -c "print('met' if $1 >= 0.85 * $2 else 'not met in this run')"; }
fmt() { python3 -c "print(f'{int(float($1)):,}')"; }
cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
# Issue 13's rows: the former engine beside the default job (steps 1, 2).
former_text="The former hard-wired engine, which the script replaced, was
not measured in this run (UBAFLOW_BENCH_FORMER=0, or no git history to
build it from)."
former_plain_rows=""
former_run_rows=""
if [ -n "$former" ]; then
  former_text="The former hard-wired engine, which the script replaced, is built
from commit $former_rev (the last that had it) and measured in the same run,
alternately with the default job and over the same data: issue 13's
yardstick."
  former_plain_rows="
| the former hard-wired engine's plain classes (bench/engine_bench of commit $former_rev), the same simulated day, one core | $(fmt $former_plain_rate) events/s | |
| default job / former engine | **$(pct $sql_rate $former_plain_rate)** | ≥ 85 % (issue 13: $(met85 $sql_rate $former_plain_rate)) |"
  former_run_rows="
| the former hard-wired job through its \`ubaflow run\`, same file, 1 core (commit $former_rev) | $(fmt $former_run_rate) events/s, peak memory $former_rss MiB | |
| default job / former job through \`ubaflow run\`, 1 core | **$(pct $run_rate_1 $former_run_rate)** | ≥ 85 % (issue 13: $(met85 $run_rate_1 $former_run_rate)) |"
fi

cat > "$root/docs/benchmarks.md" <<EOT
# Benchmarks

Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d), commit $commit.

Machine: $cpu, $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM,
$(uname -sr), $(g++ --version | head -1). Build: RelWithDebInfo.

The default job (jobs/taobao.sql) in memory and through \`ubaflow run\`
is run $rounds times and the best run is shown: single runs move by a few per
cent with the machine. $former_text

| what | result | target |
|---|---|---|
| the default job (jobs/taobao.sql) through the engine's plain classes (sql_row_decoder, sql_source_state, sql_keyed_state, 2 owners), one core, in-memory simulated day ($(fmt $engine_events) events), flushed as a source task flushes (every 200 ms or when full) | **$(fmt $sql_rate) events/s**; per event, the source's flush $sql_flush_ns ns and the owners $sql_owners_ns ns | ≥ 3,000,000 |
| its decoder alone over the same messages | $(fmt $sql_decode_rate) events/s | |
| whole job / decoder alone | **$(pct $sql_rate $sql_decode_rate)** | ≥ 40 % |$former_plain_rows
| exchange bytes per event (the encoded partials) | **$sql_bytes_per_event** | small |
| \`ubaflow run\` from a file, simulated day ($(fmt $day_events) events), 1 core | **$(fmt $run_rate_1) events/s** | |
| same, 2 cores (the file read as 2 ranges: source.file-splits 2) | $(fmt $run_rate_2) events/s | |
| peak resident memory of that run | **$run_rss MiB** | ≤ 512 MiB |$former_run_rows
| Kafka path: \`ubaflow run\` over a preloaded topic ($(fmt $kafka_events) messages, 4 partitions, mock broker) | $(fmt $job_kafka_rate) messages/s | |
| bare librdkafka consumers (one per partition, like the source tasks) over the same topic | $(fmt $bare_rate) messages/s | |
| ubaflow / bare consumer | **$(pct $job_kafka_rate $bare_rate)** | ≥ 80 % |
| datagen into Kafka (mock broker, unthrottled, lz4) | $(fmt $datagen_kafka_rate) messages/s | ≥ 500,000 |
| datagen into a file | $(fmt $file_gen_rate) messages/s | |
| seed's datagen.py method (python3-kafka, 2000 threads, same broker) | $(fmt $seed_rate) messages/s | |
| datagen / seed method | **$(ratio $datagen_kafka_rate $seed_rate)×** | |

The cluster (bench/cluster.sh): a coordinator and worker processes on this
one machine, a simulated day of $(fmt $cluster_events) events in 4 JSON-lines files
(source.type=file), NDJSON output. Rates are events over the time from the
first deployment to the last result written (coordinator log), the median
of three runs per configuration, the two transports alternating: TLS 1.3
with the key derived from the cluster secret (the default) and plain TCP
(\`cluster.insecure\`), both through the relay and its frame checks.

| what | TLS 1.3 (cluster key) | plain TCP | TLS / plain | target |
|---|---|---|---|---|
| \`ubaflow run\`, one process, same files | $(fmt $c_run) events/s | | | |
| coordinator + 1 worker (2 slots) | $(fmt $c_w1) events/s | $(fmt $c_p1) events/s | $(pct $c_w1 $c_p1) | ≥ 90 % |
| coordinator + 2 workers (1 slot each) | $(fmt $c_w2) events/s | $(fmt $c_p2) events/s | $(pct $c_w2 $c_p2) | ≥ 90 % |
| coordinator + 4 workers (1 slot each, on 2 cores) | $(fmt $c_w4) events/s | $(fmt $c_p4) events/s | $(pct $c_w4 $c_p4) | ≥ 90 % |

| what | result | target |
|---|---|---|
| REST API on a kept-alive connection while the job runs (500 × GET /config), p50 / p99 | **$c_rest50 ms** / $c_rest99 ms | < 5 ms |
| kill -9 of one of 2 workers → job redeployed and running on the survivor, restored from checkpoint $c_restored | **$c_recovery s** | ≤ 5 s |
| results after that recovery equal the oracle | $c_exact | true |
| savepoint of a whole day's state ($(fmt $c_sp_events) events read from the mock broker, $(fmt $c_sp_users) distinct users that day, 2 workers): duration from trigger to file synced | **$c_sp_ms ms** | |
| its size | **$(fmt $c_sp_bytes) bytes** ($(python3 -c "print(f'{$c_sp_bytes / $c_sp_users:.1f}')") bytes per distinct user) | |

Against the real servers (bench/real_servers.py): Apache Kafka $r_kafka
(KRaft, one node) and Elasticsearch $r_es from Maven Central, started on
this machine, sharing its two cores with the job.

| what | result | target |
|---|---|---|
| datagen into a 4-partition topic ($(fmt $real_events) messages, lz4) | $(fmt $r_produce) messages/s | |
| bare librdkafka consumers (one per partition, the source's settings) read it all | $(fmt $r_bare) messages/s | |
| \`ubaflow run\` reads it all and computes the four results | $(fmt $r_job) messages/s | |
| ubaflow / bare consumers | **$(pct $r_job $r_bare)** | ≥ 95 % |
| end-to-end result latency, default settings: from producing the event that moves the watermark past a 10-minute window's end to the window's document found by a search ($r_windows windows), p50 / p99 | **$r_p50 ms** / **$r_p99 ms** | p99 ≤ 1,500 ms |

Parsing one message into an event (2,000,000 messages, one core): the choice
the design asked to measure.

| parser | messages/s | notes |
|---|---|---|
| ubaflow's sql_row_decoder (into jobs/taobao.sql's source row) | $(fmt $p_ours) | validates the whole message (syntax, UTF-8, nesting), classifies every reject |
| simdjson 3.0 On-Demand | $(fmt $p_simd) | needs padding after the input; does not validate parts it does not read |
| simdjson On-Demand, copying each message into a padded buffer | $(fmt $p_simd_copy) | what Kafka payloads (unpadded) would need |
| Boost.JSON 1.81 (DOM) | $(fmt $p_boost) | used for configuration, REST and ES responses, not on the hot path |

How each figure is measured:

- *Default job in memory*: \`build/ubaflow_sql_bench\` pinned to one core
  with taskset. It runs jobs/taobao.sql's source side (the row decoder,
  per-partition lateness, pre-aggregation, the lookup join against
  data/category.csv, routing by key group) and two owners' keyed state in
  one thread, over messages laid out in memory as a Kafka fetch or a file
  chunk would be. Best of $rounds runs. The decoder line decodes the same
  messages alone. The former engine (\`bench/engine_bench.cpp\` of commit
  $former_rev: the built-in parser, pre-aggregator and keyed state, the same
  day, core and flushes) runs alternately with it.
- *\`ubaflow run\` from a file*: the real binary with its actors, reading a
  JSON-lines file of a simulated day written by datagen; the rate is from the
  job's summary, the memory is its peak resident set (getrusage). Best of
  $rounds runs on one core, alternately with the former engine's \`ubaflow
  run\` (commit $former_rev) over the same file.
- *Real Kafka path*: both read the topic three times, alternately, timed
  over the whole process (start-up included); the medians are shown. The
  source's consumers keep up to 300,000 messages per partition prefetched
  (queued.min.messages; librdkafka's default of 100,000 left sources idle,
  draining the queue in bursts and waiting for fetches: 53 % of the bare
  rate); the baseline uses the same setting.
- *Result latency*: what it is made of, with the defaults: the source
  flushes its partials and watermark every 200 ms (preagg.flush-interval),
  the owner fires the window at once and the combiner adds the key groups,
  the sink sends a bulk at least every 200 ms (sink.es.bulk-interval), and
  the index makes new documents searchable every 500 ms
  (sink.es.refresh-interval, in ubaflow's index templates; Elasticsearch's
  own default is 1 s). The refresh is the largest share. One partition, one
  event every 10 ms of wall time, 20 s of event time apart.
- *Kafka path*: both consumers read the same preloaded topic from the
  librdkafka mock broker with the same fetch settings; wall time from process
  start to the last message; three rounds, alternately, the faster of each. The mock serves one batch per partition per fetch
  from a single thread, so this compares ubaflow with the best any consumer
  can do against it, not Kafka's own speed. ubaflow's wall time includes what
  a bare consumer does not do: start-up (configuration, metadata, the actor
  system; about 50 ms), parsing and aggregating every record, and the finish
  (firing every window, writing the results, committing offsets; about 60 ms),
  all on two cores shared with the broker. Between its first and last record
  it consumes at about 90 % of the bare consumers' rate.
- *Cluster*: all processes share the 2 cores, so more workers add
  processes and cross-process traffic, not cores: the figures show the cost
  of distribution (serializing partials and rows between processes), not
  scale-out. Within one worker, actors pass messages by reference. Recovery
  is from \`kill -9\` to the coordinator's log line that the next attempt runs;
  a closed connection is noticed at once, a silent worker after
  cluster.worker-timeout (5 s by default). The worker is killed right after
  the first checkpoint (every 100 ms in this run); the new attempt restores
  it and reads only what came after it.
- *Transport*: every byte between nodes passes the node's relay (TLS, frame
  checks) and a loopback pair on each side, in both columns; the TLS column
  adds only the encryption (AES-128-GCM), which is small next to the rest
  because the exchange carries partials, about two bytes per event. Runs of
  under a second on two shared cores vary by ±15 % from one to the next:
  compare the columns of one run, not figures of different runs. The REST
  figure is measured on the savepoint phase's coordinator, which is running
  a job meanwhile.
- *Savepoint*: SIGUSR2 to the coordinator once the job has read the topic
  and caught up; the duration is the coordinator's "savepoint N completed in
  X ms" (barriers through sources, owners, combiner and sinks, then the
  file written and fsync'd), the size that of the file. A checkpoint is the
  same operation. The state is mostly the day's user bitmaps, split by key
  group; it grows with distinct users, not with events.
- *datagen vs seed*: both produce to the same mock broker; the seed's method
  is re-created from its write-up (a KafkaProducer with a JSON serializer, one
  blocking send per line from a 2000-thread pool).
EOT
cat "$work/flink-section.md" >> "$root/docs/benchmarks.md"
printf '%s\n' "" \
  "A change that must not cost speed (a refactor) is measured against the" \
  "revision before it, side by side, by \`make bench-compare BASELINE=<revision>\`:" \
  "[benchmarks-compare.md](benchmarks-compare.md)." >> "$root/docs/benchmarks.md"
step "done: docs/benchmarks.md"
sed -n '/^| what/,/^$/p' "$root/docs/benchmarks.md"
sed -n '/^| engine, file input/,/^$/p' "$root/docs/benchmarks.md"
