#!/usr/bin/env bash
# Checks deploy/compose/docker-compose.yml without a Docker engine (none on
# the build machines): it parses, every file it mounts exists, Kafka,
# Elasticsearch and MySQL keep their data on volumes, the coordinator and
# the workers have health checks (ubaflow probe) and the workers come back
# after their job ends, every published port listens on
# ${UBAFLOW_PUBLISH_ADDRESS:-127.0.0.1}, the job reads MySQL as its own user,
# and every password the file requires is in env.example.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python3 - "$root/deploy/compose" <<'PY'
import os, re, sys, yaml
here = sys.argv[1]
text = open(os.path.join(here, "docker-compose.yml")).read()
compose = yaml.safe_load(text)
services, volumes = compose["services"], compose.get("volumes", {})
problems = []
def need(ok, what):
    if not ok:
        problems.append(what)
for name, service in services.items():
    for mount in service.get("volumes", []):
        source = mount.split(":")[0]
        if source.startswith("."):
            need(os.path.exists(os.path.normpath(os.path.join(here, source))),
                 "%s mounts %s, which does not exist" % (name, source))
        else:
            need(source in volumes, "%s uses volume %s, not declared" % (name, source))
    for port in service.get("ports", []):
        need(str(port).startswith("${UBAFLOW_PUBLISH_ADDRESS:-127.0.0.1}:"),
             "%s publishes %s on every interface" % (name, port))
for name, path in (("kafka", "/var/lib/kafka/data"), ("elasticsearch", "/usr/share/elasticsearch/data"),
                   ("mysql", "/var/lib/mysql"), ("coordinator", "/var/lib/ubaflow/checkpoints")):
    need(any(m.split(":")[1] == path and m.split(":")[0] in volumes
             for m in services[name].get("volumes", [])), "%s keeps %s on no volume" % (name, path))
for name in ("coordinator", "worker"):
    test = services[name].get("healthcheck", {}).get("test", [])
    need(test[:3] == ["CMD", "ubaflow", "probe"], name + " has no ubaflow probe health check")
need(services["worker"].get("restart") in ("unless-stopped", "always"),
     "workers stay down after their job ends")
env = services["coordinator"]["environment"]
need(env.get("UBAFLOW_LOOKUP_MYSQL_USER") not in (None, "root"), "the job reads MySQL as root")
need("GF_SECURITY_ADMIN_PASSWORD" in services["grafana"].get("environment", {}),
     "Grafana keeps admin/admin")
required = set(re.findall(r"\$\{(\w+):\?", text))
example = set(re.findall(r"(?m)^(\w+)=", open(os.path.join(here, "env.example")).read()))
need(required <= example, "env.example lacks %s" % sorted(required - example))
if problems:
    sys.exit("check-compose: " + "; ".join(problems))
print("check-compose: %d services, %d volumes, checks pass" % (len(services), len(volumes)))
PY
