#include "tools/cluster/cluster_support.hpp"

#include "common/config/job_options.hpp"
#include "common/sql/exec/sql_job.hpp"
#include "coordinator/checkpoint/checkpoint_builder.hpp"
#include "coordinator/checkpoint/directory_checkpoint_store.hpp"
#include "coordinator/checkpoint/state_layout.hpp"
#include "worker/job_config_loader.hpp"
#include "worker/sql_job_settings.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include <spdlog/spdlog.h>

namespace ubaflow {

std::optional<std::vector<std::string>> cluster_secrets(const settings& values,
                                                        std::string& error) {
  const auto& file = values.get_string("cluster.secret-file");
  if (file.empty()) {
    const auto& secret = values.get_string("cluster.secret");
    return secret.empty() ? std::vector<std::string>{}
                          : std::vector<std::string>{secret};
  }
  auto secrets = read_secret_lines(file, error);
  if (!secrets)
    error = "cluster.secret-file: " + error;
  return secrets;
}

namespace {

std::optional<tls_settings> cluster_tls(const settings& values,
                                        std::string& error) {
  tls_settings tls;
  tls.certificate = values.get_string("cluster.tls-certificate");
  tls.key = values.get_string("cluster.tls-key");
  tls.ca = values.get_string("cluster.tls-ca");
  const int set = !tls.certificate.empty() + !tls.key.empty() + !tls.ca.empty();
  if (set == 0)
    return tls;
  if (set != 3) {
    error = "cluster.tls-certificate, cluster.tls-key and cluster.tls-ca go "
            "together: set all three or none";
    return std::nullopt;
  }
  for (const auto& [name, path] :
       {std::pair{"cluster.tls-certificate", tls.certificate},
        std::pair{"cluster.tls-key", tls.key},
        std::pair{"cluster.tls-ca", tls.ca}}) {
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (!f) {
      error = std::string{name} + ": cannot read '" + path
              + "': " + std::strerror(errno);
      return std::nullopt;
    }
    std::fclose(f);
  }
  return tls;
}

} // namespace

std::optional<relay_security>
cluster_security(const settings& values,
                 const std::vector<std::string>& secrets, std::string& error) {
  relay_security security;
  security.max_frame_bytes
    = static_cast<uint32_t>(values.get_bytes("cluster.max-frame-size"));
  security.handshake_timeout_ms
    = values.get_duration_ms("cluster.handshake-timeout");
  if (security.handshake_timeout_ms <= 0) {
    error = "cluster.handshake-timeout must be positive";
    return std::nullopt;
  }
  auto tls = cluster_tls(values, error);
  if (!tls)
    return std::nullopt;
  const bool insecure = values.get_bool("cluster.insecure");
  if (insecure && (!secrets.empty() || tls->enabled())) {
    error = "cluster.insecure=true turns authentication off: it cannot go "
            "with cluster.secret or cluster.tls-*";
    return std::nullopt;
  }
  if (tls->enabled()) {
    security.mode = relay_security::kind::certificates;
    security.certificates = *tls;
  } else if (!secrets.empty()) {
    security.mode = relay_security::kind::psk;
    security.keys = derive_cluster_keyring(
      secrets, values.get_string("cluster.id"), error);
    if (!security.keys)
      return std::nullopt;
  } else if (insecure) {
    security.mode = relay_security::kind::plain;
    spdlog::warn("*** cluster.insecure=true: connections between nodes are "
                 "neither authenticated nor encrypted; anyone who reaches "
                 "a cluster port can control this cluster. Use it on "
                 "loopback only. ***");
  } else {
    error = "the cluster needs a secret: set UBAFLOW_CLUSTER_SECRET (or "
            "cluster.secret-file), the same on every node; "
            "cluster.insecure=true runs without one, for tests on one "
            "machine only";
    return std::nullopt;
  }
  return security;
}

void warn_if_exposed(const relay_security& security,
                     const std::string& bind_address, const char* what) {
  if (security.mode != relay_security::kind::plain)
    return;
  if (bind_address.rfind("127.", 0) == 0 || bind_address == "::1"
      || bind_address == "localhost")
    return;
  spdlog::warn("*** {} listens on {} without authentication "
               "(cluster.insecure=true): anyone who reaches this address "
               "controls the cluster ***",
               what, bind_address);
}

std::vector<std::string> shareable_job_settings(const settings& values,
                                                const job_config& config) {
  // A SQL job's script gives defaults (load_sql_job); the workers get the
  // values it settled on, and the text rather than this node's path.
  settings shared = values;
  if (config.sql) {
    (void)shared.set("job.sql", "", value_origin::default_value);
    (void)shared.set("job.sql-text", config.sql->text);
    std::string error;
    (void)load_sql_job(shared, error); // compiled before: cannot fail now
  }
  std::map<std::string, std::string> effective;
  for (const auto& [key, value, origin] : shared.effective())
    effective[key] = value; // masked only for secrets, which stay here
  std::vector<std::string> lines;
  for (const auto& spec : job_options().specs())
    if (!spec.secret)
      lines.push_back(spec.key + "=" + effective[spec.key]);
  return lines;
}

bool is_node_local_option(const option_spec& spec) {
  auto ends_with = [&](const char* suffix) {
    const std::string s{suffix};
    return spec.key.size() >= s.size()
           && spec.key.compare(spec.key.size() - s.size(), s.size(), s) == 0;
  };
  return spec.secret || ends_with("-file") || ends_with("-path")
         || ends_with(".dir");
}

std::optional<std::string>
apply_coordinator_settings(settings& values,
                           const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    const auto eq = line.find('=');
    if (eq == std::string::npos)
      return "malformed setting from the coordinator: " + line;
    const std::string key = line.substr(0, eq);
    const auto* spec = values.options().find(key);
    if (!spec)
      return "the coordinator sent an option this worker does not know: "
             + key + " (are both the same version?)";
    if (is_node_local_option(*spec)
        && values.origin_of(key) != value_origin::default_value)
      continue; // this node's own path or secret
    if (auto error = values.set(key, line.substr(eq + 1)))
      return "coordinator setting " + key + ": " + *error;
  }
  return std::nullopt;
}

std::optional<std::pair<std::string, uint16_t>>
split_host_port(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= address.size())
    return std::nullopt;
  const std::string port_text = address.substr(colon + 1);
  if (port_text.find_first_not_of("0123456789") != std::string::npos
      || port_text.size() > 5)
    return std::nullopt;
  const int port = std::stoi(port_text);
  if (port < 1 || port > 65535)
    return std::nullopt;
  return std::make_pair(address.substr(0, colon),
                        static_cast<uint16_t>(port));
}

bool configure_checkpoints(const settings& values, const job_config& config,
                           cluster_settings& cluster, std::string& error) {
  const auto& dir = values.get_string("checkpoint.dir");
  const auto& restore = values.get_string("checkpoint.restore");
  if (dir.empty()) {
    if (restore != "latest" && restore != "none") {
      error = "checkpoint.restore needs checkpoint.dir";
      return false;
    }
    return true;
  }
  if (auto problem = check_writable_directory(dir)) {
    error = "checkpoint.dir: " + *problem;
    return false;
  }
  cluster.checkpoints = std::make_shared<directory_checkpoint_store>(
    dir, static_cast<uint32_t>(values.get_int("checkpoint.retained")));
  cluster.checkpoint_interval_ms
    = values.get_duration_ms("checkpoint.interval");
  cluster.checkpoint_timeout_ms = values.get_duration_ms("checkpoint.timeout");
  if (cluster.checkpoint_timeout_ms <= 0) {
    error = "checkpoint.timeout must be positive";
    return false;
  }
  cluster.stop_savepoint_timeout_ms
    = values.get_duration_ms("checkpoint.stop-savepoint-timeout");
  if (cluster.stop_savepoint_timeout_ms >= values.get_duration_ms("job.stop-timeout")) {
    error = "checkpoint.stop-savepoint-timeout must be shorter than "
            "job.stop-timeout (the stop's own deadline)";
    return false;
  }
  // Ids continue above everything stored, so "latest" is always the
  // newest state whichever run wrote it.
  const auto latest = cluster.checkpoints->latest();
  if (latest)
    cluster.first_checkpoint_id = cluster.checkpoints->id_of(*latest) + 1;
  if (restore == "none")
    return true;
  if (restore == "latest") {
    if (!latest)
      return true;
    cluster.restore_path = *latest;
  } else {
    cluster.restore_path = restore;
  }
  auto data = cluster.checkpoints->load(cluster.restore_path, error);
  if (!data) {
    error = "checkpoint.restore: " + error;
    return false;
  }
  if (restore == "latest" && data->job != config.name) {
    // Found, not chosen: another job's state must not be taken by accident.
    error = "checkpoint.dir '" + dir + "' holds checkpoints of job '"
            + data->job + "', not of '" + config.name
            + "'; use another checkpoint.dir, checkpoint.restore=none, or "
              "name the file in checkpoint.restore";
    return false;
  }
  if (!restorable(*data, checkpointed_job_of(config),
                  job_needs_combiner(config),
                  error)) {
    error = "checkpoint.restore: " + error;
    return false;
  }
  cluster.first_checkpoint_id
    = std::max(cluster.first_checkpoint_id, data->id + 1);
  spdlog::info("the job continues from {} {} ({}), taken by job '{}'",
               data->savepoint ? "savepoint" : "checkpoint", data->id,
               cluster.restore_path, data->job);
  return true;
}

checkpoint_view checkpoint_view_of(const cluster_settings& cluster) {
  checkpoint_view view;
  view.enabled = cluster.checkpoints != nullptr;
  view.interval_ms = cluster.checkpoint_interval_ms;
  view.timeout_ms = cluster.checkpoint_timeout_ms;
  if (cluster.checkpoints)
    view.storage = cluster.checkpoints->describe();
  return view;
}

} // namespace ubaflow
