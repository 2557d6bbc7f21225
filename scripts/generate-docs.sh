#!/usr/bin/env bash
# Regenerates docs/configuration.md from the option tables compiled into the
# binary (the single source of truth). With --check, fails if the committed
# file is out of date instead of writing it (a ctest runs that).
set -euo pipefail
bin="${1:-build/ubaflow}"
mode="${2:-write}"
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/docs/configuration.md"

generate() {
  cat <<'EOT'
# Configuration

Every option has one name, `section.name`, and can be set three ways, later
ones winning:

1. a config file given with `--config FILE` (or `UBAFLOW_CONFIG`): INI/TOML
   style, `[section]` headers and `name = value` lines, `#` comments, quoted
   strings and `["a", "b"]` lists allowed;
2. the environment: `UBAFLOW_` + the name in capitals with `.` and `-` turned
   into `_` (`kafka.bootstrap-servers` → `UBAFLOW_KAFKA_BOOTSTRAP_SERVERS`),
   which is how Kubernetes passes settings;
3. the command line: `--kafka.bootstrap-servers host:9092` or `--name=value`.

Values are checked at start-up; a bad one stops the command with exit code 2
and a message naming the option. Secrets (passwords) are refused on the
command line: use the environment, a config file, or a `*-password-file`
option. `ubaflow run` logs every value that is not a default, with where it
came from, and masks secrets.

Durations take a unit: `ms`, `s`, `min`, `h`, `d` (`0` needs none). Sizes:
`b`, `kb`, `mb`, `gb`.

This page is generated from the option tables in the code
(`make docs`); a test fails when it is out of date.

## ubaflow run (and verify)

`ubaflow verify` accepts the same options, so a job's config file describes
the oracle's semantics too, plus its own `verify.*` options below.

EOT
  "$bin" run --help-markdown
  printf '\n## ubaflow coordinator\n\n'
  printf 'Every option of `ubaflow run` above, plus:\n\n'
  "$bin" coordinator --help-markdown | grep -E '^\|(---| option| `(cluster|coordinator|checkpoint|rest)\.)'
  printf '\n## ubaflow worker\n\n'
  printf 'The job options come from the coordinator when the worker joins; a\n'
  printf "worker's own secrets and node-local paths (options ending in \`-file\`,\n"
  printf '`-path` or `.dir`) set on the worker win. Its own options:\n\n'
  "$bin" worker --help-markdown | grep -E '^\|(---| option| `(cluster|worker)\.)'
  printf '\n## ubaflow savepoint\n\n'
  "$bin" savepoint --help-markdown
  printf '\n## ubaflow verify\n\n'
  "$bin" verify --help-markdown | grep -E '^\|(---| option| `verify\.)'
  printf '\n## ubaflow datagen\n\n'
  "$bin" datagen --help-markdown
  printf '\n## ubaflow broker\n\n'
  "$bin" broker --help-markdown
  printf '\n## ubaflow results\n\n'
  "$bin" results --help-markdown
}

if [ "$mode" = "--check" ]; then
  if ! diff -u "$target" <(generate) > /dev/null; then
    diff -u "$target" <(generate) | head -40
    echo "docs/configuration.md is out of date: run 'make docs'" >&2
    exit 1
  fi
  echo "docs/configuration.md is up to date"
else
  generate > "$target"
  echo "wrote $target"
fi
