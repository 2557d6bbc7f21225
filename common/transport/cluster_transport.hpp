#pragma once

#include "common/transport/cluster_relay.hpp"

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <string>

namespace ubaflow {

// How the nodes of a cluster reach each other: CAF's middleman (BASP over
// TCP), which listens and connects on loopback only, behind cluster_relay
// on every connection. A relay terminates each incoming connection on the
// public address and originates each outgoing one, so that no byte from
// the network reaches CAF before the peer has proven the cluster key
// (TLS 1.3 PSK) or its certificate (mutual TLS), and every frame is
// checked (basp_frame_guard). (CAF 0.17's own OpenSSL transport dropped
// established connections in our tests; see docs/operations.md.)

/// Loads CAF's network module into `cfg`.
void configure_cluster_transport(caf::actor_system_config& cfg);

/// Sets how every later publish_on and connect_to of this process is
/// protected (call once at start-up, before either).
void use_cluster_security(relay_security security);

/// Makes `actor` reachable on host:port (0: any free port); returns the port.
caf::expected<uint16_t> publish_on(const caf::actor& actor,
                                   const std::string& host, uint16_t port);

/// Connects to the actor published on host:port. Blocks until connected
/// or refused; call it from the main thread or a detached actor.
caf::expected<caf::actor> connect_to(caf::actor_system& system,
                                     const std::string& host, uint16_t port);

} // namespace ubaflow
