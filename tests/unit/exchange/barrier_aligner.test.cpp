#include "worker/exchange/barrier_aligner.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("exchange.barrier_aligner") {
  TEST_CASE("an input that delivered the barrier is blocked until all have") {
    barrier_aligner aligner{3};
    CHECK_FALSE(aligner.blocked(0));
    CHECK_FALSE(aligner.on_barrier(1, 7));
    CHECK(aligner.aligning() == 7);
    CHECK(aligner.blocked(1));
    CHECK_FALSE(aligner.blocked(0));
    CHECK_FALSE(aligner.on_barrier(0, 7));
    CHECK(aligner.blocked(0));
    CHECK_FALSE(aligner.blocked(2));
    CHECK(aligner.on_barrier(2, 7));
    CHECK(aligner.aligning() == 0);
    for (size_t i = 0; i < 3; ++i)
      CHECK_FALSE(aligner.blocked(i));
  }

  TEST_CASE("a single input aligns at once") {
    barrier_aligner aligner{1};
    CHECK(aligner.on_barrier(0, 1));
    CHECK(aligner.on_barrier(0, 2));
    CHECK_FALSE(aligner.blocked(0));
  }

  TEST_CASE("a repeated barrier from the same input does not count twice") {
    barrier_aligner aligner{2};
    CHECK_FALSE(aligner.on_barrier(0, 3));
    CHECK_FALSE(aligner.on_barrier(0, 3));
    CHECK(aligner.on_barrier(1, 3));
  }

  TEST_CASE("a newer barrier abandons the alignment of an older one") {
    barrier_aligner aligner{2};
    CHECK_FALSE(aligner.on_barrier(0, 4));
    CHECK_FALSE(aligner.on_barrier(1, 5));
    CHECK(aligner.aligning() == 5);
    CHECK_FALSE(aligner.blocked(0));
    CHECK(aligner.blocked(1));
    CHECK_FALSE(aligner.on_barrier(1, 4)); // stale: ignored
    CHECK(aligner.on_barrier(0, 5));
  }

  TEST_CASE("a declined checkpoint holds nothing back, now or later") {
    barrier_aligner aligner{3};
    CHECK_FALSE(aligner.on_barrier(0, 7));
    CHECK(aligner.blocked(0));
    // Input 1's batch with barrier 7 was refused: the owner declines 7.
    aligner.abandon(7);
    CHECK(aligner.aligning() == 0);
    CHECK_FALSE(aligner.blocked(0));
    // Input 2's barrier 7, still on its way, starts no new alignment.
    CHECK_FALSE(aligner.on_barrier(2, 7));
    CHECK_FALSE(aligner.blocked(2));
    CHECK(aligner.aligning() == 0);
    // The next checkpoint aligns as usual; an old id abandons nothing.
    CHECK_FALSE(aligner.on_barrier(0, 8));
    aligner.abandon(6);
    CHECK(aligner.aligning() == 8);
    CHECK_FALSE(aligner.on_barrier(1, 8));
    CHECK(aligner.on_barrier(2, 8));
    // Declined before any of its barriers came: they are ignored too.
    aligner.abandon(9);
    CHECK_FALSE(aligner.on_barrier(0, 9));
    CHECK_FALSE(aligner.blocked(0));
    // A completed checkpoint's barrier is not aligned a second time.
    CHECK_FALSE(aligner.on_barrier(0, 8));
    CHECK(aligner.aligning() == 0);
  }

  TEST_CASE("unknown inputs and id 0 are ignored") {
    barrier_aligner aligner{2};
    CHECK_FALSE(aligner.on_barrier(2, 1));
    CHECK_FALSE(aligner.on_barrier(0, 0));
    CHECK(aligner.aligning() == 0);
    CHECK_FALSE(aligner.blocked(5));
  }
}
