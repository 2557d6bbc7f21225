#include "common/util/hash.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace ubaflow;

TEST_SUITE("hash") {
  TEST_CASE("mix64 has fixed values (routing and snapshots depend on them)") {
    // Expected values computed independently (MurmurHash3 fmix64).
    CHECK(mix64(0) == 0);
    CHECK(mix64(1) == 0xb456bcfc34c2cb2cULL);
    CHECK(mix64(42) == 0x810879608e4259ccULL);
    CHECK(mix64(uint64_t{1} << 63) == 0x8f780810af31a493ULL);
    CHECK(mix64(~uint64_t{0}) == 0x64b5720b4b825f21ULL);
    CHECK(mix64(1511539200000ULL) == 0x3858d9563c8bb09eULL);
  }

  TEST_CASE("hash_bytes has fixed values") {
    CHECK(hash_bytes("") == 0xefd01f60ba992926ULL);
    CHECK(hash_bytes("a") == 0x82a2a958a9bece5bULL);
    CHECK(hash_bytes("hello") == 0xe9c562c0fdb23244ULL);
    CHECK(hash_bytes("unknown") == 0x84fc8a0ceeaefc85ULL);
    CHECK(hash_bytes("\xE5\xA5\xB3\xE8\xA3\x85") == 0x35def46a32050a4cULL);
    // Bytes, not characters: an embedded NUL counts.
    CHECK(hash_bytes(std::string_view("a\0b", 3)) != hash_bytes("ab"));
  }

  TEST_CASE("hashes are usable at compile time") {
    static_assert(mix64(0) == 0);
    static_assert(hash_bytes("a") == 0x82a2a958a9bece5bULL);
    CHECK(true);
  }

  TEST_CASE("mix64 is a bijection on a sample (no collisions)") {
    std::set<uint64_t> seen;
    for (uint64_t i = 0; i < 20000; ++i)
      seen.insert(mix64(i));
    CHECK(seen.size() == 20000);
  }
}
