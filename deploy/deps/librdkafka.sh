#!/usr/bin/env bash
# librdkafka for ubaflow and kcat: Debian 13's 2.8.0, built from Debian's own
# source package on Debian 12 and installed in place of Debian 12's 2.0.2.
#
# Why: librdkafka before 2.6.1 repeats the client nonce in its SASL/SCRAM
# client-final-message (librdkafka#4895). Kafka 3.8.1 tolerated it; Kafka 4
# checks the nonce strictly (RFC 5802), so 2.0.2 cannot log in with SCRAM to
# any Kafka 4 broker: "invalid credentials" with the right password.
#
# The three files come from deb.debian.org (pinned by SHA-256 from Debian's
# Sources index); the .debs are kept in ~/.cache/ubaflow/debs, so this
# builds once per machine. Same SONAME (librdkafka.so.1): programs linked
# against 2.0.2 (kcat) take 2.8.0 unchanged. Safe to run repeatedly.
set -euo pipefail

version=2.8.0
revision=1
cache="${UBAFLOW_CACHE:-$HOME/.cache/ubaflow}/debs/librdkafka-$version-$revision"
pool=http://deb.debian.org/debian/pool/main/libr/librdkafka
declare -A sha256=(
  ["librdkafka_$version-$revision.dsc"]=0e9f099090072fe33da42303e1878f7f4713f91b94aa6523a9d630fe67eb2b51
  ["librdkafka_$version.orig.tar.gz"]=5bd1c46f63265f31c6bfcedcde78703f77d28238eadf23821c2b43fc30be3e25
  ["librdkafka_$version-$revision.debian.tar.xz"]=85381d3e0f2f8a5f871a408df59ed7ee3071a7bdbce9adefabfc5d3324418ed1
)

installed=$(dpkg-query -W -f='${Version}' librdkafka-dev 2>/dev/null || true)
if [ "$installed" = "$version-$revision" ]; then
  echo "deps: librdkafka $version is installed"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

if ! ls "$cache"/librdkafka-dev_*.deb >/dev/null 2>&1; then
  echo "deps: building librdkafka $version from Debian's source package (once)"
  $sudo apt-get install -y -qq --no-install-recommends dpkg-dev fakeroot debhelper \
    rapidjson-dev libcurl4-openssl-dev libsasl2-dev libssl-dev libzstd-dev \
    liblz4-dev zlib1g-dev pkgconf python3 >/dev/null
  work=$(mktemp -d /tmp/ubaflow-librdkafka.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  for file in "${!sha256[@]}"; do
    curl -fsSL --retry 3 -o "$work/$file" "$pool/$file"
    echo "${sha256[$file]}  $work/$file" | sha256sum -c --quiet
  done
  (cd "$work" && dpkg-source -x --no-check "librdkafka_$version-$revision.dsc" src >/dev/null)
  (cd "$work/src" \
    && DEB_BUILD_OPTIONS="nocheck nodoc parallel=$(nproc)" \
       dpkg-buildpackage -b -uc -us -j"$(nproc)" > "$work/build.log" 2>&1) \
    || { tail -50 "$work/build.log"; exit 1; }
  mkdir -p "$cache"
  cp "$work"/librdkafka1_*.deb "$work"/librdkafka++1_*.deb "$work"/librdkafka-dev_*.deb "$cache/"
fi
echo "deps: installing librdkafka $version"
$sudo apt-get install -y -qq --no-install-recommends --allow-downgrades \
  "$cache"/librdkafka1_*.deb "$cache"/librdkafka++1_*.deb "$cache"/librdkafka-dev_*.deb >/dev/null
