#!/usr/bin/env bash
# Installs the Debian packages listed in debian-packages.txt that are not yet
# installed, then the web UI's npm packages (coordinator/web, from its
# package-lock.json). Safe to run repeatedly: with nothing missing it
# touches nothing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
list="${1:-$here/debian-packages.txt}"

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')
missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

# The web UI's assets and browser-test driver come from npm. Node.js is
# taken as found (Debian's nodejs+npm are installed when it is missing).
install_web() {
  local web="$here/../../coordinator/web"
  [ -f "$web/package.json" ] || return 0 # not copied yet (Docker build stage)
  if [ -f "$web/node_modules/.package-lock.json" ] \
     && [ "$web/node_modules/.package-lock.json" -nt "$web/package-lock.json" ]; then
    echo "deps: web UI packages are installed"
    return
  fi
  echo "deps: npm ci in coordinator/web"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
}

# Python tools from PyPI (schemathesis) in a virtual environment of their
# own, outside the repository; remade when the requirements change.
install_python_tools() {
  local venv="${UBAFLOW_CACHE:-$HOME/.cache/ubaflow}/venv"
  local wanted_tools="$here/python-requirements.txt"
  if [ -x "$venv/bin/python" ] && [ "$venv/.installed" -nt "$wanted_tools" ]; then
    echo "deps: Python tools are installed ($venv)"
    return
  fi
  echo "deps: Python tools into $venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$wanted_tools"
  touch "$venv/.installed"
}

# Apache Kafka 4 and Elasticsearch 7.17 for the integration tests, and
# Flink 1.20 for the comparison with it (test and bench): their jars from
# Maven Central into ~/.cache/ubaflow (tests/support/servers, bench/flink);
# quick and offline once resolved. Not in an image build (no tests there).
install_test_servers() {
  local resolve="$here/../../tests/support/servers/resolve.sh"
  [ -f "$resolve" ] || return 0
  echo "deps: test servers (Kafka, Elasticsearch) from Maven Central: $(bash "$resolve")"
  [ -d "$here/../../bench/flink" ] || return 0
  echo "deps: Flink 1.20 (bench/flink) from Maven Central: $(bash "$here/maven-module.sh" "$here/../../bench/flink" flink)"
}

if ! command -v npm >/dev/null; then
  missing_node=(nodejs npm)
else
  missing_node=()
fi

if [ ${#missing[@]} -eq 0 ] && [ ${#missing_node[@]} -eq 0 ]; then
  echo "deps: all ${#wanted[@]} Debian packages are installed"
  bash "$here/librdkafka.sh"
  install_web
  install_python_tools
  install_test_servers
  exit 0
fi
missing+=("${missing_node[@]}")

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Debian's mariadb-server tries to start a system service; the tests start
# their own private server instead, so a policy-rc.d refusal is harmless.
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
bash "$here/librdkafka.sh"
install_web
install_python_tools
install_test_servers
