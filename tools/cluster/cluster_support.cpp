#include "tools/cluster/cluster_support.hpp"

#include "common/config/job_options.hpp"
#include "worker/job_config_loader.hpp"

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

std::vector<std::string> shareable_job_settings(const settings& values) {
  std::map<std::string, std::string> effective;
  for (const auto& [key, value, origin] : values.effective())
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

} // namespace ubaflow
