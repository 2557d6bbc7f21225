#include "common/util/key_groups.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace ubaflow;

TEST_SUITE("key_groups") {
  TEST_CASE("owner ranges tile [0, count) contiguously and agree with owner_of") {
    const std::vector<uint32_t> counts{1, 2, 3, 7, 10, 64, 128, 129, 1000, 32768};
    const std::vector<uint32_t> parallelisms{1, 2, 3, 4, 5, 7, 8, 13, 64, 100, 128};
    size_t checked = 0;
    for (uint32_t count : counts) {
      for (uint32_t p : parallelisms) {
        if (p > count)
          continue;
        CAPTURE(count);
        CAPTURE(p);
        key_group expected_first = 0;
        const uint32_t smallest = count / p;
        for (uint32_t i = 0; i < p; ++i) {
          const auto r = range_for_owner(i, p, count);
          REQUIRE(r.first == expected_first);
          REQUIRE(r.last >= r.first);
          // Flink's assignment spreads key groups evenly: every owner gets
          // floor(count / p) or one more, and none is empty when p <= count.
          CHECK(r.size() >= smallest);
          CHECK(r.size() <= smallest + 1);
          CHECK_FALSE(r.empty());
          expected_first = r.last;
        }
        REQUIRE(expected_first == count);
        for (key_group kg = 0; kg < count; ++kg) {
          const uint32_t owner = owner_of(kg, p, count);
          REQUIRE(owner < p);
          const auto r = range_for_owner(owner, p, count);
          REQUIRE(r.contains(kg));
          ++checked;
        }
      }
    }
    CHECK(checked > 100000);
  }

  TEST_CASE("more owners than key groups leaves some owners empty but stays consistent") {
    const uint32_t count = 3;
    const uint32_t p = 5;
    key_group next = 0;
    uint32_t non_empty = 0;
    for (uint32_t i = 0; i < p; ++i) {
      const auto r = range_for_owner(i, p, count);
      CHECK(r.first == next);
      next = r.last;
      non_empty += r.empty() ? 0 : 1;
      for (key_group kg = r.first; kg < r.last; ++kg)
        CHECK(owner_of(kg, p, count) == i);
    }
    CHECK(next == count);
    CHECK(non_empty == count);
  }

  TEST_CASE("concrete ranges of the default 128 key groups") {
    CHECK(range_for_owner(0, 1, 128) == key_group_range{0, 128});
    CHECK(range_for_owner(0, 2, 128) == key_group_range{0, 64});
    CHECK(range_for_owner(1, 2, 128) == key_group_range{64, 128});
    CHECK(range_for_owner(0, 3, 128) == key_group_range{0, 43});
    CHECK(range_for_owner(1, 3, 128) == key_group_range{43, 86});
    CHECK(range_for_owner(2, 3, 128) == key_group_range{86, 128});
    CHECK(owner_of(42, 3, 128) == 0);
    CHECK(owner_of(43, 3, 128) == 1);
    CHECK(owner_of(127, 3, 128) == 2);
  }

  TEST_CASE("key_group_range basics") {
    key_group_range r{3, 7};
    CHECK(r.size() == 4);
    CHECK_FALSE(r.empty());
    CHECK(r.contains(3));
    CHECK(r.contains(6));
    CHECK_FALSE(r.contains(7));
    CHECK_FALSE(r.contains(2));
    CHECK(key_group_range{5, 5}.empty());
    CHECK_FALSE(key_group_range{1, 2} == key_group_range{1, 3});
  }

  TEST_CASE("key groups of keys are stable across builds") {
    // Fixed values (computed independently: mix64 / FNV-1a+mix64, then the
    // upper 32 bits scaled onto [0, count)). A change here moves state
    // between owners and breaks restoring checkpoints of an older build.
    CHECK(key_group_of_int(0, 128) == 0);
    CHECK(key_group_of_int(1, 128) == 90);
    CHECK(key_group_of_int(42, 128) == 64);
    CHECK(key_group_of_int(-1, 128) == 50);
    CHECK(key_group_of_int(1511539200000, 128) == 28);
    CHECK(key_group_of_int(1, 7) == 4);
    CHECK(key_group_of_int(42, 7) == 3);
    CHECK(key_group_of_int(-1, 7) == 2);
    CHECK(key_group_of_string("", 128) == 119);
    CHECK(key_group_of_string("a", 128) == 65);
    CHECK(key_group_of_string("hello", 128) == 116);
    CHECK(key_group_of_string("unknown", 128) == 66);
    CHECK(key_group_of_string("\xE5\xA5\xB3\xE8\xA3\x85", 128) == 26);
    CHECK(reduce_to_key_group(~uint64_t{0}, 128) == 127);
    CHECK(reduce_to_key_group(0, 128) == 0);
    CHECK(reduce_to_key_group(uint64_t{1} << 63, 128) == 64);
    for (int64_t key = -1000; key < 1000; ++key)
      REQUIRE(key_group_of_int(key, 7) < 7);
  }

  TEST_CASE("key_group_coverage completes once every group was covered") {
    key_group_coverage coverage{10};
    CHECK_FALSE(coverage.complete());
    coverage.add({0, 4});
    CHECK_FALSE(coverage.complete());
    coverage.add({2, 6}); // overlap is counted once
    CHECK_FALSE(coverage.complete());
    coverage.add({6, 9});
    CHECK_FALSE(coverage.complete());
    coverage.add({9, 20}); // beyond the count: ignored, no overflow
    CHECK(coverage.complete());
    coverage.reset();
    CHECK_FALSE(coverage.complete());
    coverage.add({0, 10});
    CHECK(coverage.complete());
    coverage.reset();
    coverage.add({0, 5});
    coverage.add({0, 5});
    CHECK_FALSE(coverage.complete());
    coverage.add({5, 10});
    CHECK(coverage.complete());
  }

  TEST_CASE("coverage by the owner ranges of a plan is complete") {
    for (uint32_t p : {1u, 3u, 7u, 128u}) {
      key_group_coverage coverage{128};
      for (uint32_t i = 0; i < p; ++i) {
        CHECK_FALSE(coverage.complete());
        coverage.add(range_for_owner(i, p, 128));
      }
      CHECK(coverage.complete());
    }
  }
}
