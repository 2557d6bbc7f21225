#include "common/cluster/join_proof.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ubaflow;

TEST_SUITE("cluster.join_proof") {

TEST_CASE("the proof is the HMAC-SHA256 of the join message and challenge") {
  // Independently: printf 'ubaflow-join\nprod\nworker-1\nabc123' |
  //   openssl dgst -sha256 -hmac s3cret
  CHECK(join_proof("s3cret", "prod", "worker-1", "abc123")
        == "ba3787f0315a45a3112c5538d0ec6c60416b05ce7a0e49ab276e5fd9bb706e3b");
}

TEST_CASE("the proof depends on secret, cluster, name and challenge") {
  const auto p = join_proof("s3cret", "prod", "worker-1", "c1");
  CHECK(p.size() == 64);
  CHECK(p.find("s3cret") == std::string::npos);
  CHECK(p != join_proof("other", "prod", "worker-1", "c1"));
  CHECK(p != join_proof("s3cret", "test", "worker-1", "c1"));
  CHECK(p != join_proof("s3cret", "prod", "worker-2", "c1"));
  CHECK(p != join_proof("s3cret", "prod", "worker-1", "c2"));
  CHECK(join_proof("", "prod", "worker-1", "c1").empty());
}

TEST_CASE("proofs are compared exactly") {
  const auto p = join_proof("s3cret", "prod", "w", "c");
  CHECK(proof_matches(p, p));
  CHECK_FALSE(proof_matches(p, p.substr(1)));
  CHECK_FALSE(proof_matches(p, std::string(64, '0')));
  CHECK(proof_matches("", ""));
}

TEST_CASE("a challenge is random and good for one proof, before it expires") {
  challenge_book book{1000, 8};
  const auto a = book.issue(0);
  const auto b = book.issue(0);
  CHECK(a.size() == 32);
  CHECK(a != b);
  CHECK(book.redeem(a, 10));
  CHECK_FALSE(book.redeem(a, 10)); // replayed
  CHECK_FALSE(book.redeem(b, 1000)); // expired (and used up)
  CHECK_FALSE(book.redeem("not issued here", 0));
  CHECK_FALSE(book.redeem("", 0));
}

TEST_CASE("outstanding challenges are bounded; the oldest go first") {
  challenge_book book{60'000, 4};
  std::vector<std::string> issued;
  for (int i = 0; i < 10; ++i)
    issued.push_back(book.issue(i));
  CHECK(book.outstanding() == 4);
  CHECK_FALSE(book.redeem(issued.front(), 20));
  CHECK(book.redeem(issued.back(), 20));
}

} // TEST_SUITE
