#pragma once

#include "common/transport/cluster_psk.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ubaflow {

/// PEM files of a node's TLS identity and of the cluster's CA.
struct tls_settings {
  std::string certificate; ///< this node's certificate (chain)
  std::string key;         ///< its private key (unencrypted)
  std::string ca;          ///< CA certificates that sign every node's

  bool enabled() const { return !certificate.empty(); }
};

/// How every connection between the nodes of a cluster is protected.
struct relay_security {
  enum class kind {
    psk,          ///< TLS 1.3 with the key derived from the cluster secret
    certificates, ///< mutually authenticated TLS 1.2+ with the cluster's CA
    plain,        ///< cluster.insecure: no authentication, no encryption
  };
  kind mode = kind::plain;
  tls_settings certificates;
  std::shared_ptr<const cluster_keyring> keys; ///< for kind::psk
  /// Largest BASP payload a peer may announce (cluster.max-frame-size).
  uint32_t max_frame_bytes = 64u << 20;
  /// A TLS handshake not done within this is closed.
  int64_t handshake_timeout_ms = 10'000;
  /// Connections relayed at once per listening or outgoing relay.
  size_t max_connections = 512;
};

std::string to_string(relay_security::kind k);

/// The process's relay between CAF's middleman and the network. CAF has no
/// listening socket and no connection of its own to the network: each
/// cluster connection is a private loopback pair (loopback_pair.hpp) whose
/// one end CAF gets and whose other end the relay joins with the network
/// connection, once that has been authenticated (TLS 1.3 PSK or mutual
/// TLS). Every frame the peer sends is checked (basp_frame_guard) before a
/// byte of it is passed on. Refused connections are closed and counted by
/// reason (common/cluster/refusals). One thread, until destroyed.
class cluster_relay {
public:
  /// nullptr and `error` when the TLS files or the key are unusable.
  static std::unique_ptr<cluster_relay> start(const relay_security& security,
                                              std::string& error);
  ~cluster_relay();

  /// Called on the relay's thread with CAF's end of a new connection from
  /// an authenticated peer.
  using attach_function = std::function<void(int caf_socket)>;

  /// Accepts peers on host:port (port 0: any free one); returns the port,
  /// or nothing and `error` when it cannot listen.
  std::optional<uint16_t> listen(const std::string& host, uint16_t port,
                                 attach_function attach, std::string& error);

  /// Opens a connection to the peer at host:port: returns CAF's end at
  /// once (-1 and `error` if no local pair can be made) while the relay
  /// connects, authenticates and then relays. A failure closes it, which
  /// CAF sees as a connection closed during its handshake.
  int connect(const std::string& host, uint16_t port, std::string& error);

  /// Why the last connection to host:port failed before CAF could use it.
  struct connect_failure {
    bool bad_credentials = false; ///< the TLS handshake itself failed
    std::string what;
  };
  std::optional<connect_failure> last_failure(const std::string& host,
                                              uint16_t port) const;

private:
  struct impl;
  explicit cluster_relay(std::shared_ptr<impl> p);
  std::shared_ptr<impl> impl_;
};

} // namespace ubaflow
