#!/usr/bin/env bash
# `make bench-compare BASELINE=<git revision>`: the hot path of this build
# against an earlier revision's, side by side on the same machine in one
# run, for refactors that must not cost speed. Builds the baseline's
# `ubaflow` and SQL bench in a temporary worktree (ccache makes it quick;
# the baseline must have bench/sql_bench.cpp taking these arguments), then
# alternates the two builds three times over:
#   - the default job's plain classes on one core (in-memory simulated
#     day, 4 M events),
#   - `ubaflow run` over a simulated day in a file (11 M events), 1 and
#     2 cores.
# Writes the medians and the ratios to docs/benchmarks-compare.md.
#   bench/compare_builds.sh BUILD_DIR BASELINE_REVISION
set -euo pipefail
# The default job (jobs/taobao.sql) joins a MySQL table; runs that say
# nothing of MySQL read it from data/category.csv, as the demo does.
export UBAFLOW_LOOKUP_SOURCE="${UBAFLOW_LOOKUP_SOURCE:-csv}"

build="$(realpath "${1:-build}")"
baseline="${2:?usage: compare_builds.sh BUILD_DIR BASELINE_REVISION}"
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${UBAFLOW_COMPARE_ROUNDS:-3}"
day_events="${UBAFLOW_BENCH_DAY_EVENTS:-11000000}"
work="$(mktemp -d /tmp/ubaflow-compare.XXXXXX)"
cleanup() {
  git -C "$root" worktree remove --force "$work/baseline" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

base_rev="$(git -C "$root" rev-parse --short "$baseline")"
this_rev="$(git -C "$root" rev-parse --short HEAD)"
step "building the baseline $base_rev"
git -C "$root" worktree add --detach "$work/baseline" "$base_rev" >/dev/null
cmake -S "$work/baseline" -B "$work/baseline/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$work/baseline/build" -j2 --target ubaflow ubaflow_sql_bench \
  >/dev/null

step "a simulated day in a file ($day_events events)"
"$build/ubaflow" datagen --datagen.output file --datagen.file "$work/day.jsonl" \
  --datagen.events "$day_events" --datagen.days 1 --datagen.start-day 2017-11-26 \
  --datagen.progress 0 2>/dev/null

engine() { # the default job's plain classes (bench/sql_bench.cpp)
  taskset -c 0 "$1/ubaflow_sql_bench" 4000000 2 \
    | python3 -c "import json,sys; print(int(json.load(sys.stdin)['sql_events_per_s']))"
}
run_day() { # BUILD_DIR [taskset prefix...]
  local dir="$1"
  shift
  rm -rf "$work/out"
  "$@" "$dir/ubaflow" run --source.type file --source.files "$work/day.jsonl" \
    --source.file-splits 2 --sink.ndjson.dir "$work/out" --progress.interval 0 \
    --log.level warn 2>&1 | grep -o 'accepted ([0-9,]*/s)' | tr -dc '0-9'
}

declare -A figures
for round in $(seq "$rounds"); do
  for side in baseline this; do
    dir="$build"
    [ "$side" = baseline ] && dir="$work/baseline/build"
    step "round $round: $side"
    figures[$side,engine]+="$(engine "$dir") "
    figures[$side,run1]+="$(run_day "$dir" taskset -c 0) "
    figures[$side,run2]+="$(run_day "$dir") "
  done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
commas() { python3 -c "print(f'{int($1):,}')"; }
row() { # label key
  local before after
  before="$(echo "${figures[baseline,$2]}" | median)"
  after="$(echo "${figures[this,$2]}" | median)"
  printf '| %s | %s | %s | **%s %%** |\n' "$1" "$(commas "$before")" \
    "$(commas "$after")" "$(python3 -c "print(round(100*$after/$before, 1))")"
}

cat > "$root/docs/benchmarks-compare.md" <<EOT
# This build against an earlier one

Written by \`make bench-compare BASELINE=$baseline\` (bench/compare_builds.sh) on
$(date -u +%Y-%m-%d): commit $this_rev against $base_rev, built alike
(RelWithDebInfo), alternated $rounds times on this machine in one run
($(nproc) cores); medians, events per second.

| what | $base_rev | $this_rev | $this_rev / $base_rev |
|---|---|---|---|
$(row "the default job's plain classes, one core (in-memory simulated day, 4,000,000 events)" engine)
$(row "\`ubaflow run\` from a file, simulated day ($(commas "$day_events") events), 1 core" run1)
$(row "same, 2 cores (source.file-splits 2)" run2)

All runs: engine ${figures[baseline,engine]}/ ${figures[this,engine]}; 1 core
${figures[baseline,run1]}/ ${figures[this,run1]}; 2 cores ${figures[baseline,run2]}/
${figures[this,run2]}(baseline / this). Runs on two shared cores vary by a
few per cent from one to the next.
EOT
step "done: docs/benchmarks-compare.md"
cat "$root/docs/benchmarks-compare.md"
