#!/usr/bin/env bash
# Checks deploy/monitoring: promtool on the Prometheus config and the alert
# rules, the rules' unit tests, and that the dashboard and the alerts only
# use metrics docs/metrics.md documents (which the REST test checks against
# a live /metrics).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/deploy/monitoring"
cd "$dir"
promtool check config prometheus.yml
promtool check rules alerts.yml
promtool test rules alerts.test.yml
python3 - "$root" <<'PY'
import json, re, sys, yaml
root = sys.argv[1]
mon = root + "/deploy/monitoring/"
documented = set(re.findall(r"`((?:flink|ubaflow)_[A-Za-z0-9_]+)`",
                            open(root + "/docs/metrics.md").read()))
used = {}
def uses(where, expr):
    for name in re.findall(r"\b((?:flink|ubaflow)_[A-Za-z0-9_]+)", expr):
        used.setdefault(name, where)
yaml.safe_load(open(mon + "prometheus-kubernetes.yml"))
for f in ("grafana/provisioning/datasources/prometheus.yml",
          "grafana/provisioning/dashboards/ubaflow.yml"):
    yaml.safe_load(open(mon + f))
uid = yaml.safe_load(open(mon + "grafana/provisioning/datasources/prometheus.yml"))["datasources"][0]["uid"]
for group in yaml.safe_load(open(mon + "alerts.yml"))["groups"]:
    for rule in group["rules"]:
        uses("alert " + rule["alert"], rule["expr"])
dash = json.load(open(mon + "grafana/dashboards/ubaflow.json"))
ids = [p["id"] for p in dash["panels"]]
assert len(ids) == len(set(ids)), "duplicate panel ids"
for p in dash["panels"]:
    g = p["gridPos"]
    assert g["x"] + g["w"] <= 24, "panel %r is wider than the grid" % p["title"]
    assert p["datasource"]["uid"] == uid, "panel %r: datasource uid" % p["title"]
    assert p["targets"], "panel %r has no query" % p["title"]
    for t in p["targets"]:
        uses("panel " + p["title"], t["expr"])
missing = {n: w for n, w in used.items() if n not in documented}
if missing:
    sys.exit("undocumented metrics: " + ", ".join("%s (%s)" % kv for kv in sorted(missing.items())))
print("monitoring: %d panels, %d metrics used, all documented" % (len(ids), len(used)))
PY
