#!/usr/bin/env bash
# Builds one of ubaflow's small Maven modules (the test servers, the Flink peer) and prints the
# path of a file holding its Java class path (its classes first, then every runtime jar):
#
#   cp=$(deploy/deps/maven-module.sh tests/support/servers servers) && java -cp "$(cat "$cp")" ...
#
# Jars are resolved from Maven Central into ${XDG_CACHE_HOME:-~/.cache}/ubaflow/maven the first
# time; the module is built into …/ubaflow/NAME. Later runs work offline, and return at once (no
# JVM) while the module's pom.xml and src/ are unchanged and every jar is still there. Nothing is
# written inside the repository. The pom takes the output directory as ${ubaflow.out} and writes
# its dependency class path to ${ubaflow.out}/classpath.txt.deps (maven-dependency-plugin).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: maven-module.sh MODULE_DIR NAME" >&2; exit 2; }
module=$(cd "$1" && pwd)
name=$2
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ubaflow
repo=${UBAFLOW_MAVEN_REPO:-$cache/maven}
out=$cache/$name
cpfile=$out/classpath.txt
mkdir -p "$repo" "$out"

up_to_date() {
    [ -s "$cpfile" ] || return 1
    [ -z "$(find "$module/pom.xml" "$module/src" -newer "$cpfile" -print -quit)" ] || return 1
    local IFS=:
    for entry in $(cat "$cpfile"); do [ -e "$entry" ] || return 1; done
}

if up_to_date; then echo "$cpfile"; exit 0; fi

# One build at a time (tests may call this in parallel); the loser finds it up to date.
exec 9>"$out/.lock"
flock 9
if up_to_date; then echo "$cpfile"; exit 0; fi

command -v mvn >/dev/null || { echo "maven-module.sh: mvn not found (apt-get install maven)" >&2; exit 1; }
args=(-B -q -Dstyle.color=never -Dmaven.repo.local="$repo" -Dubaflow.out="$out" -f "$module/pom.xml")
rm -f "$cpfile" "$cpfile.deps"
if ! mvn -o "${args[@]}" compile >"$out/mvn-offline.log" 2>&1; then
    echo "maven-module.sh: $name: not all in $repo yet, resolving from Maven Central (once)" >&2
    mvn "${args[@]}" compile >&2
fi
[ -s "$cpfile.deps" ] || { echo "maven-module.sh: $name: maven wrote no class path" >&2; exit 1; }
printf '%s:%s\n' "$out/classes" "$(cat "$cpfile.deps")" >"$cpfile.tmp"
mv "$cpfile.tmp" "$cpfile"
echo "$cpfile"
