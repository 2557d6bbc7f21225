#include "worker/runtime/cluster_transport.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/publish.hpp>
#include <caf/io/remote_actor.hpp>

namespace ubaflow {

void configure_cluster_transport(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
}

caf::expected<uint16_t> publish_on(const caf::actor& actor,
                                   const std::string& host, uint16_t port) {
  return caf::io::publish(actor, port, host.c_str(), true);
}

caf::expected<caf::actor> connect_to(caf::actor_system& system,
                                     const std::string& host, uint16_t port) {
  return caf::io::remote_actor(system, host, port);
}

} // namespace ubaflow
