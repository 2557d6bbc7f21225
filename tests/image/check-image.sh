#!/usr/bin/env bash
# The runtime image without a Docker engine: builds its root file system the
# way deploy/docker/Dockerfile's runtime stage does and runs ubaflow in it.
#
#   1. debootstrap --variant=minbase of the Dockerfile's Debian release into
#      a cache (~/.cache/ubaflow/image/), once;
#   2. apt-get install of exactly the runtime packages *read from the
#      Dockerfile* (and dpkg -i of the librdkafka .deb it copies), cached as
#      a tarball keyed by that list;
#   3. every COPY of the runtime stage, mapped from the build stage's paths
#      to this build tree (/src/build/ubaflow -> build/ubaflow, ...);
#   4. under chroot as uid:gid 65534 (the Dockerfile's USER, checked): ldd
#      finds every library, a bounded file job writes its four results, a
#      coordinator answers /healthz, /readyz, the web UI and
#      /ubaflow/openapi.yaml, and `ubaflow probe` (the HEALTHCHECK) passes.
# A missing library or asset fails. Needs root (debootstrap, chroot).
#   tests/image/check-image.sh BUILD_DIR
set -euo pipefail
build="$(realpath "${1:-build}")"
root="$(cd "$(dirname "$0")/../.." && pwd)"
dockerfile="$root/deploy/docker/Dockerfile"
cd "$root" # ctest starts it elsewhere; verify reads data/category.csv
# The default job (jobs/taobao.sql) joins a MySQL table; here, as in the
# demo, it is read from data/category.csv (the image has it in /opt/ubaflow).
export UBAFLOW_LOOKUP_SOURCE=csv
cache="${UBAFLOW_CACHE:-$HOME/.cache/ubaflow}/image"
mkdir -p "$cache"
[ "$(id -u)" -eq 0 ] || { echo "check-image: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "check-image: debootstrap missing (deploy/deps)" >&2; exit 1; }

# -- what the Dockerfile says --------------------------------------------------
read -r base packages user healthcheck < <(python3 - "$dockerfile" <<'PY'
import re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
stages = re.split(r"(?m)^FROM ", text)
runtime = stages[-1]
base = runtime.split()[0]
install = re.search(r"apt-get install (.*?)(?:&&|$)", runtime, re.M).group(1)
packages = [w for w in install.split() if not w.startswith("-")]
user = re.search(r"(?m)^USER (\S+)", runtime).group(1)
health = "yes" if re.search(r"(?m)^HEALTHCHECK .*ubaflow\", \"probe\"", runtime) else "no"
print(base, ",".join(sorted(packages)), user, health)
PY
)
[ "$user" = "65534:65534" ] || { echo "check-image: USER is '$user', not numeric 65534:65534" >&2; exit 1; }
[ "$healthcheck" = yes ] || { echo "check-image: no HEALTHCHECK running ubaflow probe" >&2; exit 1; }
case "$base" in
  debian:12*) suite=bookworm ;;
  *) echo "check-image: unknown base image $base" >&2; exit 1 ;;
esac
echo "check-image: $base ($suite), runtime packages: $packages"

key="$(printf '%s %s' "$suite" "$packages" | sha256sum | cut -c1-16)"
tarball="$cache/rootfs-$suite-$key.tar"
work="$(mktemp -d /tmp/ubaflow-image.XXXXXX)"
rootfs="$work/rootfs"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  umount "$rootfs/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ ! -s "$tarball" ]; then
  minbase="$cache/minbase-$suite.tar"
  if [ ! -s "$minbase" ]; then
    echo "check-image: debootstrap $suite (once)"
    debootstrap --variant=minbase "$suite" "$work/minbase" http://deb.debian.org/debian \
      > "$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
    tar -C "$work/minbase" -cf "$minbase.tmp" . && mv "$minbase.tmp" "$minbase"
    rm -rf "$work/minbase"
  fi
  mkdir -p "$rootfs"
  tar -C "$rootfs" -xf "$minbase"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  echo "check-image: apt-get install in the root file system"
  chroot "$rootfs" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends ${packages//,/ }" > "$work/apt.log" 2>&1 \
    || { tail -30 "$work/apt.log" >&2; exit 1; }
  chroot "$rootfs" /bin/sh -c "rm -rf /var/lib/apt/lists/*"
  tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
else
  mkdir -p "$rootfs"
  tar -C "$rootfs" -xf "$tarball"
fi

# -- the runtime stage's COPY and RUN steps --------------------------------------
deb=$(ls "${UBAFLOW_CACHE:-$HOME/.cache/ubaflow}"/debs/librdkafka-*/librdkafka1_*.deb | head -1)
cp "$deb" "$rootfs/tmp/" && chroot "$rootfs" dpkg -i "/tmp/$(basename "$deb")" > /dev/null
python3 - "$dockerfile" "$root" "$build" "$rootfs" <<'PY'
import os, re, shutil, sys
dockerfile, repo, build, rootfs = sys.argv[1:5]
runtime = re.split(r"(?m)^FROM ", open(dockerfile).read().replace("\\\n", " "))[-1]
def local(path):
    """A build-stage path in this tree."""
    if path.startswith("/src/build/"):
        return os.path.join(build, path[len("/src/build/"):])
    if path.startswith("/src/"):
        return os.path.join(repo, path[len("/src/"):])
    return None
for line in runtime.splitlines():
    m = re.match(r"COPY (--from=build )?(.*)", line.strip())
    if not m:
        continue
    *sources, dest = m.group(2).split()
    for src in sources:
        if m.group(1):
            if src == "/debs/":
                continue  # the librdkafka .deb, installed above
            path = local(src)
        else:
            path = os.path.join(repo, src)
        if not path or not os.path.exists(path):
            sys.exit("check-image: COPY source %s is missing (%s)" % (src, path))
        target = rootfs + dest
        if os.path.isdir(path):
            shutil.copytree(path, target, dirs_exist_ok=True)
        else:
            if dest.endswith("/"):
                os.makedirs(target, exist_ok=True)
                target = os.path.join(target, os.path.basename(path))
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(path, target)
        print("check-image: COPY", src, "->", dest)
PY
mkdir -p "$rootfs/var/lib/ubaflow/checkpoints" && chown 65534:65534 "$rootfs/var/lib/ubaflow/checkpoints"
mkdir -p "$rootfs/proc" && mount -t proc proc "$rootfs/proc"

as_nobody() { # the Dockerfile's USER and WORKDIR
  chroot --userspec=65534:65534 "$rootfs" /bin/sh -c "cd /opt/ubaflow && exec $*"
}

# -- run it -------------------------------------------------------------------
missing=$(chroot "$rootfs" ldd /usr/local/bin/ubaflow | grep "not found" || true)
[ -z "$missing" ] || { echo "check-image: libraries missing in the image:" >&2; echo "$missing" >&2; exit 1; }
as_nobody /usr/local/bin/ubaflow version

"$build/ubaflow" datagen --datagen.output file --datagen.file "$rootfs/tmp/day.jsonl" \
  --datagen.events 20000 --datagen.days 1 --datagen.progress 0 2>/dev/null
chmod 644 "$rootfs/tmp/day.jsonl"
as_nobody /usr/local/bin/ubaflow run --source.type file --source.files /tmp/day.jsonl \
  --sink.ndjson.dir /tmp/out --rest.port 0 --progress.interval 0 --log.level warn > "$work/run.out"
grep -q "finished" "$work/run.out" || { cat "$work/run.out" >&2; exit 1; }
for index in buy_cnt_per_hour cumulative_uv cumulative_uv_daily top_category; do
  [ -s "$rootfs/tmp/out/$index.ndjson" ] || { echo "check-image: no $index written" >&2; exit 1; }
done
"$build/ubaflow" verify --verify.input "$rootfs/tmp/day.jsonl" --verify.partitioner file \
  --verify.against "ndjson:$rootfs/tmp/out" > "$work/verify.out" 2>&1 \
  || { cat "$work/verify.out" >&2; exit 1; }
echo "check-image: a file job as uid 65534 wrote the four results, equal to the oracle"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chroot --userspec=65534:65534 "$rootfs" /usr/bin/env UBAFLOW_CLUSTER_SECRET=image-test \
  /bin/sh -c "cd /opt/ubaflow && exec /usr/local/bin/ubaflow coordinator \
  --coordinator.port $port --rest.port $rport --source.type file --source.files /tmp/day.jsonl \
  --sink.ndjson.dir /tmp/out2 --checkpoint.dir /var/lib/ubaflow/checkpoints --progress.interval 0" \
  > "$work/coordinator.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$rport"
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
for path in /healthz /readyz / /web/app.js /web/app.css /ubaflow/openapi.yaml \
            /web/vendor/echarts.min.js; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base$path")
  [ "$code" = 200 ] || { echo "check-image: GET $path answered $code" >&2; cat "$work/coordinator.log" >&2; exit 1; }
done
as_nobody /usr/local/bin/ubaflow probe --probe.url "$base/readyz" > /dev/null
echo "check-image: the coordinator as uid 65534 answers /healthz, /readyz, the web UI and its OpenAPI document; ubaflow probe passes"
