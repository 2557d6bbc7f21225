#include "worker/state/user_bitmap.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace ubaflow;

TEST_SUITE("user_bitmap") {
  TEST_CASE("empty bitmap") {
    user_bitmap b;
    CHECK(b.empty());
    CHECK(b.cardinality() == 0);
    CHECK_FALSE(b.contains(0));
    b.add_sorted(nullptr, 0);
    CHECK(b.empty());
  }

  TEST_CASE("add_sorted and add, across 32-bit halves") {
    user_bitmap b;
    const std::vector<uint64_t> ids{1, 2, 3, 1000000, 0xFFFFFFFFULL,
                                    0x100000000ULL, 0x100000005ULL,
                                    0xFFFFFFFF00000000ULL, ~uint64_t{0}};
    b.add_sorted(ids.data(), ids.size());
    CHECK_FALSE(b.empty());
    CHECK(b.cardinality() == ids.size());
    for (auto id : ids)
      CHECK(b.contains(id));
    CHECK_FALSE(b.contains(4));
    CHECK_FALSE(b.contains(0x100000001ULL));
    CHECK_FALSE(b.contains(0x200000001ULL));
    // Adding again is idempotent; add() of one id too.
    b.add_sorted(ids.data(), 3);
    b.add(1);
    CHECK(b.cardinality() == ids.size());
    b.add(0x300000000ULL);
    CHECK(b.cardinality() == ids.size() + 1);
    CHECK(b.contains(0x300000000ULL));
  }

  TEST_CASE("|= is set union") {
    user_bitmap a;
    user_bitmap b;
    const std::vector<uint64_t> xs{1, 5, 9, 0x100000000ULL};
    const std::vector<uint64_t> ys{5, 6, 0x100000000ULL, 0x500000000ULL};
    a.add_sorted(xs.data(), xs.size());
    b.add_sorted(ys.data(), ys.size());
    a |= b;
    CHECK(a.cardinality() == 6);
    for (auto id : {1ULL, 5ULL, 6ULL, 9ULL, 0x100000000ULL, 0x500000000ULL})
      CHECK(a.contains(id));
    CHECK(b.cardinality() == 4); // the right side is unchanged
    user_bitmap empty;
    a |= empty;
    CHECK(a.cardinality() == 6);
    empty |= a;
    CHECK(empty.cardinality() == 6);
  }

  TEST_CASE("random sets agree with std::set") {
    std::mt19937_64 rng{12345};
    std::set<uint64_t> reference;
    user_bitmap b;
    for (int round = 0; round < 20; ++round) {
      std::vector<uint64_t> batch;
      for (int i = 0; i < 500; ++i) {
        uint64_t id = rng() % 100000;
        if (i % 10 == 0)
          id |= (rng() % 4) << 32;
        batch.push_back(id);
      }
      std::sort(batch.begin(), batch.end());
      batch.erase(std::unique(batch.begin(), batch.end()), batch.end());
      b.add_sorted(batch.data(), batch.size());
      reference.insert(batch.begin(), batch.end());
      REQUIRE(b.cardinality() == reference.size());
    }
    for (auto id : reference)
      REQUIRE(b.contains(id));
  }

  TEST_CASE("serialize and deserialize round-trip") {
    user_bitmap b;
    std::vector<uint64_t> ids;
    for (uint64_t i = 0; i < 70000; i += 3)
      ids.push_back(i);
    ids.push_back(0x700000001ULL);
    b.add_sorted(ids.data(), ids.size());
    const std::string bytes = b.serialize();
    CHECK(bytes.size() == b.serialized_size());
    user_bitmap copy;
    copy.add(42424242); // replaced by the deserialized content
    REQUIRE(user_bitmap::deserialize(bytes, copy));
    CHECK(copy.cardinality() == b.cardinality());
    CHECK_FALSE(copy.contains(42424242));
    for (auto id : ids)
      REQUIRE(copy.contains(id));
    CHECK(copy.serialize() == bytes);

    user_bitmap empty;
    const std::string empty_bytes = empty.serialize();
    CHECK(empty_bytes == std::string(4, '\0'));
    CHECK(empty_bytes.size() == empty.serialized_size());
    user_bitmap restored;
    REQUIRE(user_bitmap::deserialize(empty_bytes, restored));
    CHECK(restored.empty());
  }

  TEST_CASE("malformed input is rejected") {
    user_bitmap b;
    std::vector<uint64_t> ids{1, 2, 3, 0x100000000ULL};
    b.add_sorted(ids.data(), ids.size());
    const std::string bytes = b.serialize();
    user_bitmap out;
    CHECK_FALSE(user_bitmap::deserialize("", out));
    CHECK_FALSE(user_bitmap::deserialize("\x01\x00", out));
    // Every truncation fails.
    for (size_t n = 0; n < bytes.size(); ++n) {
      CAPTURE(n);
      CHECK_FALSE(user_bitmap::deserialize(bytes.substr(0, n), out));
    }
    // Trailing bytes fail.
    CHECK_FALSE(user_bitmap::deserialize(bytes + "x", out));
    // A chunk count larger than what follows.
    std::string more = bytes;
    more[0] = 3;
    CHECK_FALSE(user_bitmap::deserialize(more, out));
    // A chunk size pointing past the end.
    std::string huge = bytes;
    huge[8] = '\xff';
    huge[9] = '\xff';
    CHECK_FALSE(user_bitmap::deserialize(huge, out));
    // Garbage inside a chunk.
    std::string garbage(4, '\0');
    garbage[0] = 1;
    garbage += std::string(4, '\0');            // high = 0
    garbage += std::string("\x08\x00\x00\x00", 4); // size 8
    garbage += "\xff\xff\xff\xff\xff\xff\xff\xff";
    CHECK_FALSE(user_bitmap::deserialize(garbage, out));
    // The original still round-trips after all that.
    CHECK(user_bitmap::deserialize(bytes, out));
    CHECK(out.cardinality() == 4);
  }
}
