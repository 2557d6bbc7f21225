#include "common/config/cluster_options.hpp"

#include "common/config/job_options.hpp"

namespace ubaflow {

namespace {

using t = option_type;

option_set with_job_options(std::string command) {
  option_set o{std::move(command)};
  for (const auto& spec : job_options().specs())
    o.add(spec);
  return o;
}

void add_cluster_credentials(option_set& o) {
  o.add("cluster.id", t::string, "ubaflow",
        "Name of the cluster; a worker whose cluster id differs is refused.");
  o.add_secret("cluster.secret",
               "Shared secret of the cluster. Every connection between nodes "
               "is TLS 1.3 with a key derived from it (and the cluster id), "
               "and workers prove it again when they join (an HMAC over a "
               "fresh challenge); the secret itself never crosses the wire. "
               "Required unless cluster.insecure is set.");
  o.add("cluster.secret-file", t::string, "",
        "File with the cluster secret (instead of cluster.secret): the "
        "first line is the secret in use; further lines are secrets still "
        "accepted from peers, for rotating it without downtime "
        "(docs/security.md).");
  o.add("cluster.insecure", t::boolean, "false",
        "Run the cluster without a secret: no authentication and no "
        "encryption between nodes (a loud warning is logged). Only for "
        "tests on one machine; keep the addresses on loopback.");
  o.add("cluster.tls-certificate", t::string, "",
        "PEM certificate (chain) of this node. Set with cluster.tls-key and "
        "cluster.tls-ca to use mutually authenticated TLS (1.2 or later) "
        "with the cluster's CA between nodes instead of the key derived "
        "from the secret; every node of the cluster must then use it.");
  o.add("cluster.tls-key", t::string, "",
        "PEM private key of cluster.tls-certificate (not encrypted: protect "
        "the file, e.g. a Kubernetes secret volume).");
  o.add("cluster.tls-ca", t::string, "",
        "PEM certificates of the CA that signs every node's certificate; a "
        "peer without a certificate from it is refused. Host names are not "
        "checked: the CA is the cluster's own.");
  o.add("cluster.max-frame-size", t::bytes, "64mb",
        "Largest message a peer may send (checked before anything is "
        "allocated for it); a larger one closes the connection and is "
        "counted as frame_too_large.")
      .bounded(64 * 1024, 1024LL * 1024 * 1024);
  o.add("cluster.handshake-timeout", t::duration, "10s",
        "A peer that has not completed its TLS handshake after this long is "
        "disconnected (counted as handshake_timeout).");
}

/// The REST API, metrics and web UI; `mutating`: the token options of
/// the calls that change something (the coordinator's savepoints).
void add_rest_options(option_set& o, bool mutating) {
  o.add("rest.bind-address", t::string, "127.0.0.1",
        "Address of the REST API and /metrics (Flink's rest.address); "
        "0.0.0.0 for all interfaces.");
  o.add("rest.port", t::integer, "8081",
        "Port of the REST API, /metrics and the web UI (Flink's rest.port); "
        "0 picks a free one (logged). `ubaflow run` goes on without them "
        "when the port is taken; the coordinator does not start.")
      .bounded(0, 65535);
  o.add("rest.tls-certificate", t::string, "",
        "PEM certificate (chain) for HTTPS on rest.port; with rest.tls-key. "
        "Empty: plain HTTP.");
  o.add("rest.tls-key", t::string, "",
        "PEM private key of rest.tls-certificate.");
  o.add_secret("rest.read-token",
               "Bearer token that reading the job's data (REST API, "
               "/metrics, results) must carry; the web UI asks for it once. "
               "Empty: reading is open to whoever reaches rest.port.");
  o.add("rest.read-token-file", t::string, "",
        "File of read tokens, one per line (any is accepted: rotation).");
  if (mutating) {
    o.add_secret("rest.token",
                 "Bearer token that mutating REST calls (savepoints, "
                 "rescaling) must carry; it reads too. Empty: those calls are "
                 "refused.");
    o.add("rest.token-file", t::string, "",
          "File of tokens for mutating calls, one per line (any is "
          "accepted: rotation).");
  }
  o.add("rest.web-dir", t::string, "",
        "Directory of the web UI (coordinator/web with its node_modules). "
        "Empty: coordinator/web next to the build directory of the binary, "
        "else /opt/ubaflow/web.");
}

/// Checkpoints and savepoints, for the coordinator and for `run` (a cluster
/// of one), which takes none unless checkpoint.dir is set.
void add_checkpoint_options(option_set& o, const char* default_dir) {
  o.add("checkpoint.dir", t::string, default_dir,
        "Directory of completed checkpoints (a volume shared with nothing "
        "else; savepoints go to its savepoints/ subdirectory). Empty: no "
        "checkpoints; a restart replays the input from "
        "kafka.startup-mode.");
  o.add("checkpoint.interval", t::duration, "10s",
        "Time between aligned-barrier checkpoints; 0 takes none "
        "periodically (savepoints still work).");
  o.add("checkpoint.timeout", t::duration, "60s",
        "A checkpoint not complete after this long is given up (counted as "
        "failed); the next one starts at the next interval.");
  o.add("checkpoint.stop-savepoint-timeout", t::duration, "6s",
        "On SIGTERM the coordinator takes a savepoint before it stops "
        "(Flink's stop-with-savepoint) and the next start restores it; it "
        "waits at most this long, then stops anyway (0: no savepoint). "
        "Must be shorter than job.stop-timeout.");
  o.add("checkpoint.retained", t::integer, "3",
        "Completed checkpoints kept in checkpoint.dir (older ones are "
        "deleted; savepoints never are).")
      .bounded(1, 1000);
  o.add("checkpoint.restore", t::string, "latest",
        "Where the job starts: latest (the newest checkpoint or savepoint "
        "in checkpoint.dir, else kafka.startup-mode), none (ignore stored "
        "checkpoints), or the path of a checkpoint or savepoint file.");
}

/// One declaration for `run` and the coordinator (the same lifecycle).
void add_task_failure_option(option_set& o) {
  o.add("cluster.max-task-failures", t::integer, "3",
        "Restarts after task failures (not worker losses) before the job is "
        "declared failed, each from the latest checkpoint if there is one; "
        "0 fails at the first. `ubaflow run` restarts only with "
        "checkpoint.dir (without checkpoints a failure ends the job, as in "
        "Flink).")
      .bounded(0, 1000000);
}

option_set make_run_options() {
  option_set o = with_job_options("run");
  add_rest_options(o, true);
  add_checkpoint_options(o, "");
  add_task_failure_option(o);
  return o;
}

option_set make_coordinator_options() {
  option_set o = with_job_options("coordinator");
  add_cluster_credentials(o);
  o.add("coordinator.bind-address", t::string, "127.0.0.1",
        "Address the coordinator listens on for workers (0.0.0.0 for all "
        "interfaces, as in a Kubernetes pod).");
  o.add("coordinator.port", t::integer, "6123",
        "Port workers join on (Flink's jobmanager.rpc.port).")
      .bounded(1, 65535);
  o.add("cluster.min-workers", t::integer, "1",
        "Workers that must have joined before the job is deployed.")
      .bounded(1, 1024);
  o.add("cluster.heartbeat-interval", t::duration, "1s",
        "How often workers send heartbeats.");
  o.add("cluster.worker-timeout", t::duration, "5s",
        "A worker silent for this long is declared lost and its work is "
        "redeployed on the others (a closed connection is noticed at once).");
  o.add("cluster.restart-delay", t::duration, "1s",
        "Pause between a failure and the job's restart.");
  add_task_failure_option(o);
  add_rest_options(o, true);
  add_checkpoint_options(o, "checkpoints");
  return o;
}

option_set make_worker_options() {
  option_set o = with_job_options("worker");
  add_cluster_credentials(o);
  o.add("worker.coordinator", t::string, "127.0.0.1:6123",
        "host:port of the coordinator to join.");
  o.add("worker.name", t::string, "",
        "Name of this worker in the cluster; empty: <hostname>-<pid>. A "
        "worker rejoining under its name replaces its former self.");
  o.add("worker.bind-address", t::string, "127.0.0.1",
        "Address this worker listens on for its peers' exchange traffic.");
  o.add("worker.port", t::integer, "0",
        "Port for peers' exchange traffic; 0 picks a free one.")
      .bounded(0, 65535);
  o.add("worker.advertised-host", t::string, "",
        "Host name peers use to reach this worker; empty: the bind address, "
        "or the host name when binding to 0.0.0.0.");
  o.add("worker.slots", t::integer, "1",
        "Task slots: this worker hosts this many keyed-state owners and up "
        "to this many source tasks.")
      .bounded(1, 256);
  o.add("worker.metrics-bind-address", t::string, "127.0.0.1",
        "Address of this worker's own /metrics (process, membership, "
        "hosted tasks); 0.0.0.0 for all interfaces.");
  o.add("worker.metrics-port", t::integer, "9250",
        "Port of this worker's /metrics; 0 picks a free one (logged). "
        "Taken: the worker goes on without it (a warning says so).")
      .bounded(0, 65535);
  o.add("worker.reconnect-interval", t::duration, "1s",
        "Longest pause between attempts to reach a missing coordinator "
        "(the first retry comes after 20 ms, the pause doubling up to "
        "this).");
  return o;
}

option_set make_savepoint_options() {
  option_set o{"savepoint"};
  add_cluster_credentials(o);
  o.add("savepoint.coordinator", t::string, "127.0.0.1:6123",
        "host:port of the coordinator whose job takes the savepoint.");
  o.add("savepoint.timeout", t::duration, "5min",
        "How long to wait for the savepoint to be written.");
  return o;
}

} // namespace

const option_set& run_options() {
  static const option_set options = make_run_options();
  return options;
}

const option_set& savepoint_options() {
  static const option_set options = make_savepoint_options();
  return options;
}

const option_set& coordinator_options() {
  static const option_set options = make_coordinator_options();
  return options;
}

const option_set& worker_options() {
  static const option_set options = make_worker_options();
  return options;
}

} // namespace ubaflow
