#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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

/// Derives the cluster's PSK; nullptr with `error` when the secret is empty
/// or OpenSSL fails.
std::shared_ptr<const cluster_psk>
derive_cluster_psk(std::string_view secret, std::string_view cluster_id,
                   std::string& error);

/// Makes `ctx` speak TLS 1.3 authenticated by `psk` alone (no
/// certificates; PSK with (EC)DHE, so past traffic stays secret if the key
/// leaks later), as server and as client. `psk` must outlive the context.
/// A peer without the key fails the handshake.
bool use_cluster_psk(SSL_CTX* ctx, const cluster_psk* psk, std::string& error);

} // namespace ubaflow
