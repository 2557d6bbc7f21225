#!/usr/bin/env bash
# The shape of the source tree, checked by ctest (structure.layers_and_sizes).
#
# 1. No source file over 600 lines: one responsibility per file.
# 2. The layering of the source tree (docs/architecture.md, "Layers"):
#   common/       shared vocabulary: includes nothing of coordinator/,
#                 worker/ or tools/;
#   coordinator/  the control plane: includes common/ only, never worker/;
#   worker/       the data plane: includes common/ only, never coordinator/;
#   tools/        the command line: may include all three.
# The coordinator's library must not link the worker's either. Prints every
# offending file and include and exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
max_lines=600

long_files=$(git ls-files -- common coordinator worker tools tests bench \
               | grep -E '\.(cpp|hpp|py|sh|java|js)$' | grep -v node_modules \
               | while read -r f; do
                   [[ -f "$f" ]] || continue
                   n=$(wc -l < "$f")
                   (( n > max_lines )) && echo "  $f: $n lines"
                 done || true)
if [[ -n "$long_files" ]]; then
  echo "files over $max_lines lines (split them by responsibility):"
  echo "$long_files"
  status=1
fi

forbid() { # folder, forbidden include prefixes...
  local folder=$1
  shift
  local pattern
  pattern="#include \"($(IFS='|'; echo "$*"))/"
  local hits
  hits=$(grep -rnE "$pattern" "$folder" --include='*.hpp' --include='*.cpp' || true)
  if [[ -n "$hits" ]]; then
    echo "$folder/ may not include $*:"
    echo "$hits" | sed 's/^/  /'
    status=1
  fi
}
forbid common coordinator worker tools
forbid coordinator worker tools
forbid worker coordinator tools
if grep -nE 'ubaflow_worker' coordinator/CMakeLists.txt; then
  echo "coordinator/CMakeLists.txt: the coordinator's library may not link the worker's"
  status=1
fi
if (( status == 0 )); then
  echo "sizes: no file over $max_lines lines; layering: common <- coordinator, common <- worker, both <- tools: ok"
fi
exit $status
