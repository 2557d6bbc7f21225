#!/usr/bin/env bash
# Builds ubaflow's test-server launcher (real Kafka 4.x, Elasticsearch 7.17) and prints the path of
# a file holding its Java class path:
#
#   cp=$(tests/support/servers/resolve.sh) && java -Xmx512m -cp "$(cat "$cp")" ubaflow.testservers.Launcher ...
#
# Jars come from Maven Central once, into ~/.cache/ubaflow (deploy/deps/maven-module.sh).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec bash "$here/../../../deploy/deps/maven-module.sh" "$here" servers
