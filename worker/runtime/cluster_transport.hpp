#pragma once

#include "worker/runtime/tls_tunnel.hpp"

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <string>

namespace ubaflow {

// How the nodes of a cluster reach each other: CAF's middleman (BASP over
// TCP), optionally inside mutually authenticated TLS. With TLS, CAF listens
// on loopback only; a tls_tunnel terminates TLS on the public address, and
// every outgoing connection goes through a local tunnel that originates
// TLS to the peer. (CAF 0.17's own OpenSSL transport dropped established
// connections in our tests; see docs/operations.md.)

/// Loads CAF's network module into `cfg`.
void configure_cluster_transport(caf::actor_system_config& cfg);

/// Turns TLS on for every later publish_on and connect_to of this process
/// (call once at start-up, before either).
void use_cluster_tls(tls_settings tls);

/// Connections refused at the TLS handshake so far, over all tunnels.
uint64_t cluster_tls_failed_handshakes();

/// Makes `actor` reachable on host:port (0: any free port); returns the port.
caf::expected<uint16_t> publish_on(const caf::actor& actor,
                                   const std::string& host, uint16_t port);

/// Connects to the actor published on host:port. Blocks until connected
/// or refused; call it from the main thread or a detached actor.
caf::expected<caf::actor> connect_to(caf::actor_system& system,
                                     const std::string& host, uint16_t port);

} // namespace ubaflow
