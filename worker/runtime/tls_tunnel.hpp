#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace ubaflow {

/// PEM files of a node's TLS identity and of the cluster's CA.
struct tls_settings {
  std::string certificate; ///< this node's certificate (chain)
  std::string key;         ///< its private key (unencrypted)
  std::string ca;          ///< CA certificates that sign every node's

  bool enabled() const { return !certificate.empty(); }
};

/// A TLS relay between the cluster's plaintext transport on loopback and
/// the network, with mutual authentication: both ends must present a
/// certificate signed by the cluster CA (host names are not checked; the
/// CA is the cluster's own). Runs on its own thread until destroyed.
///  - terminate: accepts TLS on the listen address and relays each
///    connection in plaintext to the target (a loopback port);
///  - originate: accepts plaintext on the listen address (loopback) and
///    relays each connection over TLS to the target (a peer).
/// A failed handshake closes that connection only.
class tls_tunnel {
public:
  enum class mode { terminate, originate };

  /// Binds `listen_host:listen_port` (port 0: any free port); nullptr and
  /// `error` when the address, the files or the bind are bad.
  static std::unique_ptr<tls_tunnel>
  start(mode m, const std::string& listen_host, uint16_t listen_port,
        const std::string& target_host, uint16_t target_port,
        const tls_settings& tls, std::string& error);
  ~tls_tunnel();

  uint16_t port() const;

  /// Connections whose TLS handshake failed (wrong or missing certificate).
  uint64_t failed_handshakes() const;

private:
  struct impl;
  explicit tls_tunnel(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace ubaflow
