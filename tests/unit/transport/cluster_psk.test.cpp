// TLS 1.3 with the key derived from the cluster secret, handshaking two
// in-memory endpoints (no sockets): the same secret and cluster id get
// through, anything else does not, and a node with two keys (rotation)
// accepts both while it speaks its first.

#include "common/transport/cluster_psk.hpp"

#include <doctest/doctest.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <string>
#include <vector>

using namespace ubaflow;

namespace {

std::shared_ptr<const cluster_keyring> keys(std::vector<std::string> secrets,
                                            std::string cluster = "prod") {
  std::string error;
  auto k = derive_cluster_keyring(secrets, cluster, error);
  const bool derived = k != nullptr;
  REQUIRE_MESSAGE(derived, error);
  return k;
}

/// Runs a handshake between a client with `mine` and a server with
/// `theirs` over memory BIOs; true if both sides finish it.
bool handshake(const cluster_keyring& mine, const cluster_keyring& theirs) {
  std::string error;
  SSL_CTX* client_ctx = SSL_CTX_new(TLS_method());
  SSL_CTX* server_ctx = SSL_CTX_new(TLS_method());
  REQUIRE(use_cluster_psk(client_ctx, &mine, error));
  REQUIRE(use_cluster_psk(server_ctx, &theirs, error));
  SSL* c = SSL_new(client_ctx);
  SSL* s = SSL_new(server_ctx);
  BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
  BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
  SSL_set_bio(c, c_in, c_out);
  SSL_set_bio(s, s_in, s_out);
  SSL_set_connect_state(c);
  SSL_set_accept_state(s);
  auto pump = [](BIO* from, BIO* to) {
    char buf[16384];
    int n;
    while ((n = BIO_read(from, buf, sizeof buf)) > 0)
      BIO_write(to, buf, n);
  };
  bool c_done = false;
  bool s_done = false;
  for (int round = 0; round < 10 && !(c_done && s_done); ++round) {
    c_done = c_done || SSL_do_handshake(c) == 1;
    pump(c_out, s_in);
    s_done = s_done || SSL_do_handshake(s) == 1;
    pump(s_out, c_in);
  }
  const bool ok = c_done && s_done && SSL_version(c) == TLS1_3_VERSION;
  SSL_free(c);
  SSL_free(s);
  SSL_CTX_free(client_ctx);
  SSL_CTX_free(server_ctx);
  return ok;
}

} // namespace

TEST_SUITE("runtime.cluster_psk") {

TEST_CASE("the key depends on secret and cluster id; the identity hides it") {
  auto a = keys({"s3cret"});
  auto b = keys({"s3cret"});
  CHECK(a->current->key == b->current->key);
  CHECK(a->current->identity == b->current->identity);
  CHECK(a->current->key != keys({"other"})->current->key);
  CHECK(a->current->key != keys({"s3cret"}, "test")->current->key);
  CHECK(a->current->identity.find("prod") != std::string::npos);
  CHECK(a->current->identity.find("s3cret") == std::string::npos);
  std::string error;
  const bool refused = derive_cluster_keyring({}, "prod", error) == nullptr;
  CHECK(refused);
}

TEST_CASE("the right secret gets through, a wrong one or another cluster not") {
  CHECK(handshake(*keys({"s3cret"}), *keys({"s3cret"})));
  CHECK_FALSE(handshake(*keys({"guess"}), *keys({"s3cret"})));
  CHECK_FALSE(handshake(*keys({"s3cret"}, "test"), *keys({"s3cret"})));
}

TEST_CASE("during a rotation both secrets are accepted, the first is spoken") {
  auto rotating = keys({"new", "old"});
  CHECK(handshake(*keys({"old"}), *rotating));
  CHECK(handshake(*keys({"new"}), *rotating));
  CHECK(handshake(*rotating, *keys({"new"})));
  CHECK_FALSE(handshake(*rotating, *keys({"old"})));
}

} // TEST_SUITE
