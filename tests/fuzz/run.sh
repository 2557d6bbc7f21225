#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time over its seed corpus.
#   run.sh FUZZER SEED_CORPUS WORK_DIR SECONDS [MORE_SEED_DIRS...]
# New interesting inputs go to WORK_DIR (kept between runs); a crashing
# input is written next to it as crash-* and fails the run.
set -euo pipefail
mkdir -p "$3"
fuzzer=$(realpath "$1") seeds=$(realpath "$2") work=$(realpath "$3") seconds=$4
shift 4
more=()
for dir in "$@"; do more+=("$(realpath "$dir")"); done
cd "$(dirname "$work")"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -malloc_limit_mb=512 -print_final_stats=1 -artifact_prefix="$(dirname "$work")/" \
  "$work" "$seeds" "${more[@]}"
