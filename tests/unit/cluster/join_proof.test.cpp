#include "common/cluster/join_proof.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("cluster.join_proof") {

TEST_CASE("the proof is the HMAC-SHA256 of the join message") {
  // Independently: printf 'ubaflow-join\nprod\nworker-1' |
  //   openssl dgst -sha256 -hmac s3cret
  CHECK(join_proof("s3cret", "prod", "worker-1")
        == "4d96bcb574a9232ad88c2bba76668dec2d18b8848d765d837d734896039f1dfa");
}

TEST_CASE("the proof depends on secret, cluster and name, and hides the secret") {
  const auto p = join_proof("s3cret", "prod", "worker-1");
  CHECK(p.size() == 64);
  CHECK(p.find("s3cret") == std::string::npos);
  CHECK(p != join_proof("other", "prod", "worker-1"));
  CHECK(p != join_proof("s3cret", "test", "worker-1"));
  CHECK(p != join_proof("s3cret", "prod", "worker-2"));
  CHECK(join_proof("", "prod", "worker-1").empty());
}

TEST_CASE("proofs are compared exactly") {
  const auto p = join_proof("s3cret", "prod", "w");
  CHECK(proof_matches(p, p));
  CHECK_FALSE(proof_matches(p, p.substr(1)));
  CHECK_FALSE(proof_matches(p, std::string(64, '0')));
  CHECK(proof_matches("", ""));
}

} // TEST_SUITE
