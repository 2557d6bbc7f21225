#pragma once

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <string>

namespace ubaflow {

// How the nodes of a cluster reach each other: CAF's middleman (BASP over
// TCP). One place to change when the transport changes (e.g. to TLS; see
// docs/operations.md for why caf::openssl is not used yet).

/// Loads CAF's network module into `cfg`.
void configure_cluster_transport(caf::actor_system_config& cfg);

/// Makes `actor` reachable on host:port (0: any free port); returns the port.
caf::expected<uint16_t> publish_on(const caf::actor& actor,
                                   const std::string& host, uint16_t port);

/// Connects to the actor published on host:port. Blocks until connected
/// or refused; call it from the main thread or a detached actor.
caf::expected<caf::actor> connect_to(caf::actor_system& system,
                                     const std::string& host, uint16_t port);

} // namespace ubaflow
