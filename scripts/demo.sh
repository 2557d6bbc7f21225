#!/usr/bin/env bash
# `make demo`: the whole pipeline on one machine with embedded defaults.
#   1. librdkafka's mock Kafka cluster (ubaflow broker)
#   2. the job (ubaflow run), printing its progress
#   3. a simulated Taobao day produced into Kafka (ubaflow datagen)
#   4. drain, print the result tables, check them against the batch oracle
set -euo pipefail

bin="${1:-build/ubaflow}"
out="${UBAFLOW_DEMO_OUTPUT:-ubaflow-output}"
events="${UBAFLOW_DEMO_EVENTS:-400000}"     # a day sized for the mock broker
speedup="${UBAFLOW_DEMO_SPEEDUP:-2880}"     # a simulated day in 30 seconds
day="2017-11-26"
work="$(mktemp -d /tmp/ubaflow-demo.XXXXXX)"
broker_pid="" job_pid=""

cleanup() {
  [ -n "$job_pid" ] && kill "$job_pid" 2>/dev/null || true
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1/4 starting the mock Kafka broker (librdkafka's mock cluster, 4 partitions)"
"$bin" broker --broker.port 0 --broker.partitions 4 \
  --broker.port-file "$work/bootstrap" > "$work/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
[ -s "$work/bootstrap" ] || { cat "$work/broker.log"; echo "broker did not start" >&2; exit 1; }
bootstrap="$(cat "$work/bootstrap")"
echo "bootstrap servers: $bootstrap"

say "2/4 starting the job: Kafka -> windows -> $out/ (progress every 2 s)"
echo "watch it live in a browser: http://localhost:8081/ (job graph, results dashboards)"
rm -rf "$out"
# The default job is jobs/taobao.sql; its category dimension is a MySQL
# table (the seed's), read here from data/category.csv instead.
common=(--event-time.valid-from "2017-11-25 00:00:00"
        --event-time.valid-until "2017-12-03 23:59:59"
        --lookup.source csv)
"$bin" run --kafka.bootstrap-servers "$bootstrap" --sink.ndjson.dir "$out" \
  --progress.interval 2s --event-time.idle-timeout 0 "${common[@]}" \
  > "$work/summary.txt" &
job_pid=$!

say "3/4 producing a simulated day ($day, $events events, ${speedup}x real time)"
"$bin" datagen --kafka.bootstrap-servers "$bootstrap" --datagen.events "$events" \
  --datagen.days 1 --datagen.start-day "$day" --datagen.speedup "$speedup" \
  --datagen.disorder 3s --datagen.malformed-fraction 0.0005 \
  --datagen.tee "$work/sent.jsonl" --datagen.progress 10s

say "4/4 draining: reading to the end of the topic and firing the last windows"
kill -USR1 "$job_pid"
wait "$job_pid"
job_pid=""
cat "$work/summary.txt"

"$bin" results --results.from "ndjson:$out"

say "checking the output against the batch oracle (ubaflow verify)"
"$bin" verify --verify.input "$work/sent.jsonl" --verify.partitions 4 \
  --verify.against "ndjson:$out" "${common[@]}" | tail -5

cat <<EOT

Results are in $out/ (one NDJSON file per Elasticsearch index; the last line
of an _id is its current value). Print them again with:
  $bin results --results.from ndjson:$out
Write to Elasticsearch instead: --sink.outputs elasticsearch --sink.es.hosts http://HOST:9200
Run against real Kafka, Elasticsearch, Kibana and MySQL: deploy/compose (see README).
EOT
