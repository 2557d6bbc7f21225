#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

typedef struct ssl_ctx_st SSL_CTX;

namespace ubaflow {

/// The TLS 1.3 pre-shared key of a cluster, derived from the cluster
/// secret: HKDF-SHA256 with a fixed salt and the cluster id as info, so
/// the secret itself never leaves the process and two clusters sharing a
/// secret by accident still cannot talk to each other.
struct cluster_psk {
  std::string identity; ///< sent in clear in the ClientHello
  std::array<uint8_t, 32> key{};
};

/// The keys a node holds: the one it uses, and older (or newer) ones it
/// still accepts while a secret is being rotated.
struct cluster_keyring {
  std::shared_ptr<const cluster_psk> current;
  std::vector<std::shared_ptr<const cluster_psk>> accepted;
};

/// Derives the cluster's PSK; nullptr with `error` when the secret is empty
/// or OpenSSL fails. The identity names the cluster and a fingerprint of
/// the key (not the key), so that a node holding several keys knows which
/// one a peer uses.
std::shared_ptr<const cluster_psk>
derive_cluster_psk(std::string_view secret, std::string_view cluster_id,
                   std::string& error);

/// Makes `ctx` speak TLS 1.3 authenticated by `psk` alone (no
/// certificates; PSK with (EC)DHE, so past traffic stays secret if the key
/// leaks later), as server (any key of `keys` is accepted) and as client
/// (with the current one). `keys` must outlive the context.
/// A peer without the key fails the handshake.
bool use_cluster_psk(SSL_CTX* ctx, const cluster_keyring* keys,
                     std::string& error);

/// The keyring of `secrets`: the first is used, all are accepted.
std::shared_ptr<const cluster_keyring>
derive_cluster_keyring(const std::vector<std::string>& secrets,
                       std::string_view cluster_id, std::string& error);

} // namespace ubaflow
