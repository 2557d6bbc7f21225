#!/usr/bin/env bash
# Builds ubaflow's test-server launcher (real Kafka 4.x, Elasticsearch 7.17) and prints the path of
# a file holding its Java class path:
#
#   cp=$(tests/support/servers/resolve.sh) && java -Xmx512m -cp "$(cat "$cp")" ubaflow.testservers.Launcher ...
#
# The first run resolves from Maven Central into ${XDG_CACHE_HOME:-~/.cache}/ubaflow/maven; later
# runs work offline, and return at once (no JVM) while pom.xml and src/ are unchanged and every jar
# is still there. Nothing is written inside the repository.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ubaflow
repo=${UBAFLOW_MAVEN_REPO:-$cache/maven}
out=${UBAFLOW_SERVERS_OUT:-$cache/servers}
cpfile=$out/classpath.txt
mkdir -p "$repo" "$out"

up_to_date() {
    [ -s "$cpfile" ] || return 1
    [ -z "$(find "$here/pom.xml" "$here/src" -newer "$cpfile" -print -quit)" ] || return 1
    local IFS=:
    for entry in $(cat "$cpfile"); do [ -e "$entry" ] || return 1; done
}

if up_to_date; then echo "$cpfile"; exit 0; fi

# One build at a time (tests may call this in parallel); the loser finds it up to date.
exec 9>"$out/.lock"
flock 9
if up_to_date; then echo "$cpfile"; exit 0; fi

command -v mvn >/dev/null || { echo "resolve.sh: mvn not found (apt-get install maven)" >&2; exit 1; }
args=(-B -q -Dstyle.color=never -Dmaven.repo.local="$repo" -Dubaflow.servers.out="$out" -f "$here/pom.xml")
rm -f "$cpfile" "$cpfile.deps"
if ! mvn -o "${args[@]}" compile >"$out/mvn-offline.log" 2>&1; then
    echo "resolve.sh: not all in $repo yet, resolving from Maven Central (once)" >&2
    mvn "${args[@]}" compile >&2
fi
[ -s "$cpfile.deps" ] || { echo "resolve.sh: maven wrote no class path" >&2; exit 1; }
printf '%s:%s\n' "$out/classes" "$(cat "$cpfile.deps")" >"$cpfile.tmp"
mv "$cpfile.tmp" "$cpfile"
echo "$cpfile"
