#!/usr/bin/env bash
# Checks deploy/k8s offline: renders its overlays with kustomize (built once from the
# Go module proxy into ~/.cache/ubaflow/bin), validates every object against
# the Kubernetes schemas (kubernetes-validate, strict, from deploy/deps' virtual
# environment), then checks what a platform team requires of each workload:
# non-root, read-only root file system, no privilege escalation, all
# capabilities dropped, no service account token, probes on the health
# endpoints with a start-up allowance longer than kafka.startup-wait,
# resources, a pinned image, a generated (hash-named) ConfigMap, a PDB.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${UBAFLOW_CACHE:-$HOME/.cache/ubaflow}"
kustomize="$cache/bin/kustomize"
if [ ! -x "$kustomize" ]; then
  GOBIN="$cache/bin" GOFLAGS=-mod=mod go install sigs.k8s.io/kustomize/kustomize/v5@v5.5.0
fi
validate="$cache/venv/bin/kubernetes-validate"
[ -x "$validate" ] || { echo "check-k8s: $validate missing (deploy/deps/install.sh)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A copy, with what a user adds: the local overlay's secrets.env from its
# example, and an overlay trying the optional autoscaling component.
cp -r "$root/deploy/k8s" "$work/k8s"
cp "$work/k8s/overlays/local/secrets.env.example" "$work/k8s/overlays/local/secrets.env"
mkdir -p "$work/k8s/overlays/autoscaled"
cat > "$work/k8s/overlays/autoscaled/kustomization.yaml" <<'EOT'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../production]
components: [../../components/autoscaling]
EOT
for overlay in production local autoscaled; do
  "$kustomize" build "$work/k8s/overlays/$overlay" > "$work/$overlay.yaml"
  "$validate" --strict -k 1.31 --quiet "$work/$overlay.yaml"
done
python3 - "$work" <<'PY'
import sys, yaml
work = sys.argv[1]
def load(overlay):
    return [d for d in yaml.safe_load_all(open("%s/%s.yaml" % (work, overlay))) if d]
production, local, autoscaled = load("production"), load("local"), load("autoscaled")
problems = []
def need(ok, what):
    if not ok:
        problems.append(what)
need(not any(d["kind"] == "Secret" for d in production),
     "a Secret in the production overlay (secrets never live in the repository)")
need(any(d["kind"] == "HorizontalPodAutoscaler" for d in autoscaled), "no HPA in the component")
for name in ("kafka", "elasticsearch", "kibana", "mysql", "kibana-setup", "kafka-topics"):
    need(any(d["metadata"]["name"] == name for d in local), "local overlay lacks " + name)
docs = production
kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
need(any(k == "PodDisruptionBudget" for k, _ in kinds), "no PodDisruptionBudget")
need(sum(k == "NetworkPolicy" for k, _ in kinds) == 2, "NetworkPolicies for coordinator and workers")
configmaps = [n for k, n in kinds if k == "ConfigMap"]
need(configmaps and all(n.startswith("ubaflow-job-") for n in configmaps),
     "job.ini is not a generated ConfigMap: %s" % configmaps)
for d in docs:
    if d["kind"] not in ("Deployment", "StatefulSet"):
        continue
    name = d["metadata"]["name"]
    pod = d["spec"]["template"]["spec"]
    sc = pod.get("securityContext", {})
    need(sc.get("runAsNonRoot") is True, name + ": runAsNonRoot")
    need(isinstance(sc.get("runAsUser"), int) and sc["runAsUser"] != 0, name + ": numeric non-root user")
    need(pod.get("automountServiceAccountToken") is False, name + ": service account token mounted")
    for c in pod["containers"]:
        csc = c.get("securityContext", {})
        where = "%s/%s" % (name, c["name"])
        need(csc.get("readOnlyRootFilesystem") is True, where + ": writable root file system")
        need(csc.get("allowPrivilegeEscalation") is False, where + ": privilege escalation")
        need(csc.get("capabilities", {}).get("drop") == ["ALL"], where + ": capabilities not dropped")
        need(":" in c["image"] and not c["image"].endswith(":latest"), where + ": image not pinned")
        for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"),
                            ("startupProbe", "/healthz")):
            need(c.get(probe, {}).get("httpGet", {}).get("path") == path,
                 "%s: %s on %s" % (where, probe, path))
        start = c.get("startupProbe", {})
        need(start.get("periodSeconds", 10) * start.get("failureThreshold", 3) > 30,
             where + ": startupProbe shorter than kafka.startup-wait (30 s)")
        res = c.get("resources", {})
        need("memory" in res.get("requests", {}) and "memory" in res.get("limits", {}),
             where + ": memory request and limit")
if problems:
    sys.exit("check-k8s: " + "; ".join(problems))
print("check-k8s: production (%d objects), local (%d) and autoscaled (%d) valid against the "
      "Kubernetes 1.31 schemas (strict); ubaflow's workloads hardened"
      % (len(production), len(local), len(autoscaled)))
PY
