#include "common/transport/cluster_psk.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>

#include <cstring>

namespace ubaflow {

namespace {

// The one TLS 1.3 suite the cluster uses; its hash must match the PSK's.
constexpr const char* suite = "TLS_AES_128_GCM_SHA256";
constexpr unsigned char suite_id[] = {0x13, 0x01};
constexpr std::string_view identity_prefix = "ubaflow-cluster-v1:";

int psk_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr,
                                                    nullptr, nullptr);
  return index;
}

const cluster_keyring* keys_of(SSL* ssl) {
  return static_cast<const cluster_keyring*>(
    SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), psk_index()));
}

bool same_identity(const cluster_psk& psk, const unsigned char* identity,
                   size_t identity_len) {
  return identity_len == psk.identity.size()
         && CRYPTO_memcmp(identity, psk.identity.data(), identity_len) == 0;
}

std::string openssl_error(const char* what) {
  char buf[256] = {};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  return std::string{what} + ": " + buf;
}

/// A resumption-style session that carries the PSK for TLS 1.3.
SSL_SESSION* make_session(SSL* ssl, const cluster_psk& psk) {
  const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, suite_id);
  if (!cipher)
    return nullptr;
  SSL_SESSION* session = SSL_SESSION_new();
  if (!session)
    return nullptr;
  if (!SSL_SESSION_set1_master_key(session, psk.key.data(), psk.key.size())
      || !SSL_SESSION_set_cipher(session, cipher)
      || !SSL_SESSION_set_protocol_version(session, TLS1_3_VERSION)) {
    SSL_SESSION_free(session);
    return nullptr;
  }
  return session;
}

extern "C" int find_session(SSL* ssl, const unsigned char* identity,
                            size_t identity_len, SSL_SESSION** out) {
  *out = nullptr;
  const cluster_keyring* keys = keys_of(ssl);
  if (!keys || !keys->current)
    return 0;
  // An unknown identity is no error here: the handshake then fails for
  // want of a certificate, which is what a stranger should get.
  const cluster_psk* psk = nullptr;
  if (same_identity(*keys->current, identity, identity_len))
    psk = keys->current.get();
  for (const auto& other : keys->accepted)
    if (!psk && same_identity(*other, identity, identity_len))
      psk = other.get();
  if (!psk)
    return 1;
  *out = make_session(ssl, *psk);
  return *out ? 1 : 0;
}

extern "C" int use_session(SSL* ssl, const EVP_MD* md,
                           const unsigned char** identity,
                           size_t* identity_len, SSL_SESSION** out) {
  *out = nullptr;
  const cluster_keyring* keys = keys_of(ssl);
  if (!keys || !keys->current)
    return 0;
  const cluster_psk* psk = keys->current.get();
  SSL_SESSION* session = make_session(ssl, *psk);
  if (!session)
    return 0;
  // On a HelloRetryRequest OpenSSL asks again with the chosen hash.
  if (md && md != SSL_CIPHER_get_handshake_digest(
                    SSL_SESSION_get0_cipher(session))) {
    SSL_SESSION_free(session);
    return 1;
  }
  *identity = reinterpret_cast<const unsigned char*>(psk->identity.data());
  *identity_len = psk->identity.size();
  *out = session;
  return 1;
}

} // namespace

std::shared_ptr<const cluster_psk>
derive_cluster_psk(std::string_view secret, std::string_view cluster_id,
                   std::string& error) {
  if (secret.empty()) {
    error = "the cluster secret is empty";
    return nullptr;
  }
  auto psk = std::make_shared<cluster_psk>();
  static constexpr std::string_view salt = "ubaflow cluster transport psk v1";
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
  size_t length = psk->key.size();
  const bool ok
    = ctx && EVP_PKEY_derive_init(ctx) > 0
      && EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) > 0
      && EVP_PKEY_CTX_set1_hkdf_salt(
           ctx, reinterpret_cast<const unsigned char*>(salt.data()),
           static_cast<int>(salt.size()))
           > 0
      && EVP_PKEY_CTX_set1_hkdf_key(
           ctx, reinterpret_cast<const unsigned char*>(secret.data()),
           static_cast<int>(secret.size()))
           > 0
      && EVP_PKEY_CTX_add1_hkdf_info(
           ctx, reinterpret_cast<const unsigned char*>(cluster_id.data()),
           static_cast<int>(cluster_id.size()))
           > 0
      && EVP_PKEY_derive(ctx, psk->key.data(), &length) > 0
      && length == psk->key.size();
  EVP_PKEY_CTX_free(ctx);
  if (!ok) {
    error = openssl_error("cannot derive the cluster key");
    return nullptr;
  }
  unsigned char digest[32];
  SHA256(psk->key.data(), psk->key.size(), digest);
  static constexpr char hex[] = "0123456789abcdef";
  psk->identity = std::string{identity_prefix}.append(cluster_id).append(":");
  for (int i = 0; i < 4; ++i)
    (psk->identity += hex[digest[i] >> 4]) += hex[digest[i] & 15];
  return psk;
}

std::shared_ptr<const cluster_keyring>
derive_cluster_keyring(const std::vector<std::string>& secrets,
                       std::string_view cluster_id, std::string& error) {
  auto keys = std::make_shared<cluster_keyring>();
  for (const auto& secret : secrets) {
    auto psk = derive_cluster_psk(secret, cluster_id, error);
    if (!psk)
      return nullptr;
    if (!keys->current)
      keys->current = std::move(psk);
    else
      keys->accepted.push_back(std::move(psk));
  }
  if (!keys->current) {
    error = "the cluster secret is empty";
    return nullptr;
  }
  return keys;
}

bool use_cluster_psk(SSL_CTX* ctx, const cluster_keyring* keys,
                     std::string& error) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1
      || SSL_CTX_set_ciphersuites(ctx, suite) != 1
      || SSL_CTX_set_ex_data(ctx, psk_index(),
                             const_cast<cluster_keyring*>(keys))
           != 1) {
    error = openssl_error("cannot set up TLS 1.3 with a pre-shared key");
    return false;
  }
  // No session tickets: every connection proves the cluster key afresh.
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_psk_find_session_callback(ctx, find_session);
  SSL_CTX_set_psk_use_session_callback(ctx, use_session);
  return true;
}

} // namespace ubaflow
