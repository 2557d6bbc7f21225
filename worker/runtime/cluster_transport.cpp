#include "worker/runtime/cluster_transport.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/publish.hpp>
#include <caf/io/remote_actor.hpp>
#include <caf/sec.hpp>

#include <map>
#include <mutex>
#include <vector>

namespace ubaflow {

namespace {

/// The process's TLS identity and its tunnels, which live as long as the
/// process: connections through them may be reopened at any time.
struct tls_state {
  std::mutex mutex;
  tls_settings settings;
  std::vector<std::unique_ptr<tls_tunnel>> listening;
  std::map<std::string, std::unique_ptr<tls_tunnel>> outgoing; ///< by peer
};

tls_state& tls() {
  static tls_state state;
  return state;
}

} // namespace

void configure_cluster_transport(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
}

void use_cluster_tls(tls_settings settings) {
  std::lock_guard<std::mutex> guard{tls().mutex};
  tls().settings = std::move(settings);
}

uint64_t cluster_tls_failed_handshakes() {
  auto& t = tls();
  std::lock_guard<std::mutex> guard{t.mutex};
  uint64_t failed = 0;
  for (const auto& tunnel : t.listening)
    failed += tunnel->failed_handshakes();
  for (const auto& [peer, tunnel] : t.outgoing)
    failed += tunnel->failed_handshakes();
  return failed;
}

caf::expected<uint16_t> publish_on(const caf::actor& actor,
                                   const std::string& host, uint16_t port) {
  auto& t = tls();
  std::lock_guard<std::mutex> guard{t.mutex};
  if (!t.settings.enabled())
    return caf::io::publish(actor, port, host.c_str(), true);
  auto plain = caf::io::publish(actor, 0, "127.0.0.1", true);
  if (!plain)
    return plain.error();
  std::string error;
  auto tunnel = tls_tunnel::start(tls_tunnel::mode::terminate, host, port,
                                  "127.0.0.1", *plain, t.settings, error);
  if (!tunnel)
    return caf::make_error(caf::sec::cannot_open_port, error);
  const uint16_t public_port = tunnel->port();
  t.listening.push_back(std::move(tunnel));
  return public_port;
}

caf::expected<caf::actor> connect_to(caf::actor_system& system,
                                     const std::string& host, uint16_t port) {
  auto& t = tls();
  uint16_t local_port = 0;
  {
    std::lock_guard<std::mutex> guard{t.mutex};
    if (!t.settings.enabled())
      return caf::io::remote_actor(system, host, port);
    const std::string peer = host + ":" + std::to_string(port);
    auto& tunnel = t.outgoing[peer];
    if (!tunnel) {
      std::string error;
      tunnel = tls_tunnel::start(tls_tunnel::mode::originate, "127.0.0.1", 0,
                                 host, port, t.settings, error);
      if (!tunnel) {
        t.outgoing.erase(peer);
        return caf::make_error(caf::sec::cannot_connect_to_node, error);
      }
    }
    local_port = tunnel->port();
  }
  return caf::io::remote_actor(system, "127.0.0.1", local_port);
}

} // namespace ubaflow
