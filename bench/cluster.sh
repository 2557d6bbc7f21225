#!/usr/bin/env bash
# The cluster's figures for `make bench` (called by bench/run.sh; runs on its
# own too): throughput of one coordinator with 1 (2 slots), 2 and 4 worker
# processes (1 slot each) on a simulated day split over 4 files, against
# `ubaflow run` on the same files, the time from kill -9 of a worker to
# the job running again on the survivors (restored from a checkpoint), and
# the duration and size of a savepoint holding a whole simulated day's
# state (2 workers, a day read from the mock broker). The scale-out runs in
# both transport modes, side by side: TLS 1.3 with the key derived from the
# cluster secret (the default) and plain TCP (cluster.insecure), both
# through the relay and its frame checks. Also the REST API's latency on a
# kept-alive connection. Prints one JSON object.
#   bench/cluster.sh BIN [EVENTS]
set -euo pipefail

bin="$(realpath "${1:-build/ubaflow}")"
events="${2:-${UBAFLOW_BENCH_CLUSTER_EVENTS:-4000000}}"
# The mock broker keeps about this much per partition (docs/testing.md).
checkpoint_events="${UBAFLOW_BENCH_CHECKPOINT_EVENTS:-500000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/ubaflow-cluster-bench.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "${UBAFLOW_KEEP_TMP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Seconds between the first log line matching $2 and the first matching $3.
between() {
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys
from datetime import datetime
path, first, second = sys.argv[1:4]
def when(pattern):
    for line in open(path, errors="replace"):
        if re.search(pattern, line):
            return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f")
    sys.exit("no line matches " + pattern)
print(f"{(when(second) - when(first)).total_seconds():.3f}")
PY
}

"$bin" datagen --datagen.output file --datagen.file "$work/day.jsonl" \
  --datagen.events "$events" --datagen.days 1 --datagen.start-day 2017-11-26 \
  --datagen.progress 0 2>/dev/null
# Four "partitions": every fourth line, each file still in time order.
split -n r/4 -d "$work/day.jsonl" "$work/part-"
rm "$work/day.jsonl"
files="$(ls "$work"/part-* | paste -sd, -)"

# The transport of the clusters started next: psk (default) or plain.
export UBAFLOW_CLUSTER_SECRET=bench-secret
transport() {
  if [ "$1" = plain ]; then
    export UBAFLOW_CLUSTER_SECRET="" UBAFLOW_CLUSTER_INSECURE=true
  else
    export UBAFLOW_CLUSTER_SECRET=bench-secret UBAFLOW_CLUSTER_INSECURE=false
  fi
}

start_cluster() { # workers log-prefix [extra coordinator args...]
  local workers=$1 prefix=$2
  shift 2
  local p
  p=$(port)
  "$bin" coordinator --coordinator.port "$p" --cluster.min-workers "$workers" \
    --source.type file --source.files "$files" --sink.ndjson.dir "$work/out-$prefix" \
    --checkpoint.dir "$work/checkpoints-$prefix" --rest.port 0 \
    --lookup.csv-path "$root/data/category.csv" --progress.interval 0 "$@" \
    > "$work/$prefix-coordinator.log" 2>&1 &
  coordinator_pid=$!
  pids+=("$coordinator_pid")
  worker_pids=()
  for i in $(seq "$workers"); do
    "$bin" worker --worker.coordinator "127.0.0.1:$p" --worker.name "w$i" \
      --worker.slots "${SLOTS:-1}" --worker.metrics-port 0 \
      > "$work/$prefix-worker-$i.log" 2>&1 &
    worker_pids+=($!)
    pids+=($!)
  done
}

# The same files through `ubaflow run` (one process, 4 source tasks).
run_rate=$("$bin" run --source.type file --source.files "$files" --sink.ndjson.dir "$work/out-run" \
  --lookup.csv-path "$root/data/category.csv" --progress.interval 0 --log.level warn 2>/dev/null \
  | grep -o 'accepted ([0-9,]*/s)' | tr -dc '0-9')

# One bounded run of the scale-out: events/s from deployment to the end.
scale_run() { # workers mode repetition
  local workers=$1 mode=$2 prefix="scale-$1-$2-$3"
  SLOTS=1
  [ "$workers" = 1 ] && SLOTS=2 # two source tasks, like two 1-slot workers
  transport "$mode"
  start_cluster "$workers" "$prefix"
  wait "$coordinator_pid"
  for pid in "${worker_pids[@]}"; do wait "$pid" || true; done
  local seconds
  seconds=$(between "$work/$prefix-coordinator.log" "attempt 1: deploying" \
            "every result is written")
  python3 -c "print(round($events / $seconds))"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Each configuration three times per mode, alternating, the median kept.
declare -A rate
for workers in 1 2 4; do
  declare -A samples=([psk]="" [plain]="")
  for repetition in 1 2 3; do
    for mode in psk plain; do
      samples[$mode]+=" $(scale_run "$workers" "$mode" "$repetition")"
    done
  done
  for mode in psk plain; do
    # shellcheck disable=SC2086
    rate[$mode-$workers]=$(median ${samples[$mode]})
  done
done
transport psk
rates=("${rate[psk-1]}" "${rate[psk-2]}" "${rate[psk-4]}")

# Recovery: two workers, kill -9 one of them while the day is being read,
# right after the first checkpoint (every 100 ms here); the survivor
# restores it.
start_cluster 2 recovery --cluster.restart-delay 0 --checkpoint.interval 100ms
for _ in $(seq 400); do
  grep -q "checkpoint 1 completed" "$work/recovery-coordinator.log" && break
  sleep 0.01
done
killed=$(date '+%Y-%m-%d %H:%M:%S.%3N')
kill -9 "${worker_pids[1]}"
wait "$coordinator_pid"
wait "${worker_pids[0]}" || true
printf '%s info  bench: worker killed\n' "$killed" >> "$work/recovery-coordinator.log"
sort -o "$work/recovery-sorted.log" "$work/recovery-coordinator.log"
recovery=$(between "$work/recovery-sorted.log" "bench: worker killed" \
           "running on 1 task manager")
"$bin" verify --verify.input "$files" --verify.against "ndjson:$work/out-recovery" \
  --lookup.csv-path "$root/data/category.csv" --verify.partitioner file > "$work/verify.log" 2>&1 \
  && exact=true || exact=false

restored=$(grep -o 'restores checkpoint [0-9]*' "$work/recovery-coordinator.log" | head -1 \
           | tr -dc '0-9')

# A savepoint of a whole day's state: 2 workers read a simulated day from
# the mock broker and stay running (Kafka is unbounded); then SIGUSR2.
"$bin" broker --broker.port 0 --broker.partitions 4 \
  --broker.port-file "$work/bootstrap" > "$work/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap="$(cat "$work/bootstrap")"
"$bin" datagen --kafka.bootstrap-servers "$bootstrap" --datagen.events "$checkpoint_events" \
  --datagen.days 1 --datagen.start-day 2017-11-26 --datagen.progress 0 2>/dev/null
start_cluster 2 savepoint --source.type kafka --kafka.bootstrap-servers "$bootstrap" \
  --checkpoint.interval 0 --progress.interval 500ms --event-time.idle-timeout 0
# Caught up: the last three progress lines show no lag and the same count.
for _ in $(seq 600); do
  python3 - "$work/savepoint-coordinator.log" <<'PY' && break
import re, sys
lines = [l for l in open(sys.argv[1], errors="replace") if l.startswith("[")]
last = lines[-3:]
counts = {re.search(r"\] ([0-9,]+) records", l).group(1) for l in last}
sys.exit(0 if len(last) == 3 and len(counts) == 1 and "0" not in counts
         and all(" lag 0 " in l for l in last) else 1)
PY
  sleep 0.2
done
kill -USR2 "$coordinator_pid"
for _ in $(seq 600); do
  grep -q "savepoint [0-9]* completed" "$work/savepoint-coordinator.log" && break
  sleep 0.1
done
savepoint_line=$(grep -m1 "savepoint [0-9]* completed" "$work/savepoint-coordinator.log")
# REST on a kept-alive connection, while the job runs: 500 GET /config.
rest_port=$(grep -o 'metrics on http://[^:]*:[0-9]*' "$work/savepoint-coordinator.log" | grep -o '[0-9]*$')
rest_latency=$(python3 - "$rest_port" <<'PY'
import http.client, json, sys, time
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
samples = []
for _ in range(500):
    t = time.perf_counter()
    conn.request("GET", "/config")
    conn.getresponse().read()
    samples.append((time.perf_counter() - t) * 1000)
samples.sort()
print(json.dumps({"p50": round(samples[250], 3), "p99": round(samples[495], 3)}))
PY
)
savepoint_ms=$(echo "$savepoint_line" | sed -E 's/.*completed in ([0-9]+) ms.*/\1/')
savepoint_bytes=$(echo "$savepoint_line" | sed -E 's/.* ([0-9]+) bytes.*/\1/')
kill -TERM "$coordinator_pid"
wait "$coordinator_pid" || true
# The most records any progress line showed (the last ones, while the
# job stops, count down to what the stopping sources still report).
savepoint_read=$(grep -o '\] [0-9,]* records' "$work/savepoint-coordinator.log" | tr -dc '0-9\n' \
                 | sort -n | tail -1)
# Distinct users of the day: the last day-to-date UV document.
day_users=$(python3 - "$work/out-savepoint/cumulative_uv_daily.ndjson" <<'PY'
import json, sys
print(max(json.loads(l)["_source"]["uv"] for l in open(sys.argv[1])))
PY
)

printf '{"events": %s, "run": %s, "workers_1": %s, "workers_2": %s, "workers_4": %s, "plain_workers_1": %s, "plain_workers_2": %s, "plain_workers_4": %s, "rest_keepalive_ms": %s, "recovery_s": %s, "recovered_exactly": %s, "restored_checkpoint": %s, "checkpoint_events": %s, "day_users": %s, "savepoint_ms": %s, "savepoint_bytes": %s}\n' \
  "$events" "$run_rate" "${rates[0]}" "${rates[1]}" "${rates[2]}" \
  "${rate[plain-1]}" "${rate[plain-2]}" "${rate[plain-4]}" "$rest_latency" "$recovery" "$exact" \
  "${restored:-0}" "$savepoint_read" "$day_users" "$savepoint_ms" "$savepoint_bytes"
