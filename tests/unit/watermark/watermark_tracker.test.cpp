#include "worker/watermark/watermark_tracker.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("watermark_tracker") {
  TEST_CASE("a partition's watermark is its largest event time minus the delay") {
    watermark_tracker t{5'000, 0};
    t.assign(0, 0);
    CHECK(t.slot_count() == 1);
    CHECK(t.delay_ms() == 5'000);
    CHECK(t.partition_watermark(0) == min_event_time);
    t.observe(0, 100'000);
    CHECK(t.partition_watermark(0) == 95'000);
    // Out-of-order records never move it back.
    t.observe(0, 90'000);
    CHECK(t.partition_watermark(0) == 95'000);
    t.observe(0, 100'000);
    CHECK(t.partition_watermark(0) == 95'000);
    t.observe(0, 100'001);
    CHECK(t.partition_watermark(0) == 95'001);
    auto p = t.progress(0);
    CHECK(p.watermark == 95'001);
    CHECK_FALSE(p.idle);
    CHECK_FALSE(p.finished);
  }

  TEST_CASE("zero delay and negative event times") {
    watermark_tracker t{0, 0};
    t.assign(0, 0);
    t.observe(0, -10);
    CHECK(t.partition_watermark(0) == -10);
    t.observe(0, -20);
    CHECK(t.partition_watermark(0) == -10);
  }

  TEST_CASE("the source watermark is the minimum over partitions") {
    watermark_tracker t{1'000, 0};
    for (size_t slot = 0; slot < 3; ++slot)
      t.assign(slot, 0);
    t.observe(0, 10'000);
    t.observe(1, 20'000);
    // Partition 2 has seen nothing: it holds everything back.
    CHECK(t.progress(0).watermark == min_event_time);
    t.observe(2, 5'000);
    CHECK(t.progress(0).watermark == 4'000);
    t.observe(2, 50'000);
    CHECK(t.progress(0).watermark == 9'000);
    t.observe(0, 30'000);
    CHECK(t.progress(0).watermark == 19'000);
    CHECK(t.partition_watermark(0) == 29'000);
    CHECK(t.partition_watermark(1) == 19'000);
    CHECK(t.partition_watermark(2) == 49'000);
  }

  TEST_CASE("slots can be assigned sparsely; unassigned slots are ignored") {
    watermark_tracker t{0, 0};
    t.assign(3, 0);
    CHECK(t.slot_count() == 4);
    t.observe(3, 700);
    auto p = t.progress(0);
    CHECK(p.watermark == 700);
    CHECK_FALSE(p.idle);
    CHECK_FALSE(p.finished);
  }

  TEST_CASE("idle partitions stop holding the watermark back") {
    watermark_tracker t{0, 30'000};
    t.assign(0, 1'000);
    t.assign(1, 1'000);
    t.observe(0, 500'000);
    t.touch(0, 1'000);
    t.observe(1, 100'000);
    t.touch(1, 1'000);
    CHECK(t.progress(30'999).watermark == 100'000);
    CHECK_FALSE(t.idle(1));

    // Partition 0 keeps delivering, partition 1 falls silent.
    t.touch(0, 20'000);
    auto p = t.progress(31'000);
    CHECK(t.idle(1));
    CHECK_FALSE(t.idle(0));
    CHECK(p.watermark == 500'000);
    CHECK_FALSE(p.idle);

    // Partition 1 comes back: it counts again, even behind.
    t.observe(1, 200'000);
    t.touch(1, 32'000);
    CHECK_FALSE(t.idle(1));
    p = t.progress(32'000);
    CHECK(p.watermark == 200'000);
    CHECK_FALSE(p.idle);
  }

  TEST_CASE("a source whose partitions are all idle is idle and reports how far it got") {
    watermark_tracker t{1'000, 10'000};
    t.assign(0, 0);
    t.assign(1, 0);
    t.observe(0, 50'000);
    t.observe(1, 70'000);
    t.touch(0, 0);
    t.touch(1, 0);
    CHECK_FALSE(t.progress(9'999).idle);
    CHECK(t.progress(9'999).watermark == 49'000);
    auto p = t.progress(10'000);
    CHECK(p.idle);
    CHECK_FALSE(p.finished);
    CHECK(p.watermark == 69'000);
  }

  TEST_CASE("idle timeout 0 never marks partitions idle") {
    watermark_tracker t{0, 0};
    t.assign(0, 0);
    t.observe(0, 10);
    auto p = t.progress(1'000'000'000);
    CHECK_FALSE(p.idle);
    CHECK_FALSE(t.idle(0));
    CHECK(p.watermark == 10);
  }

  TEST_CASE("finished partitions are ignored; all finished gives max_event_time") {
    watermark_tracker t{0, 0};
    t.assign(0, 0);
    t.assign(1, 0);
    t.observe(0, 100);
    t.observe(1, 50);
    CHECK(t.progress(0).watermark == 50);
    t.finish(1);
    CHECK(t.finished(1));
    CHECK_FALSE(t.finished(0));
    auto p = t.progress(0);
    CHECK(p.watermark == 100);
    CHECK_FALSE(p.finished);
    t.finish(0);
    p = t.progress(0);
    CHECK(p.finished);
    CHECK_FALSE(p.idle);
    CHECK(p.watermark == max_event_time);
  }

  TEST_CASE("finished partitions do not count as idle ones") {
    watermark_tracker t{0, 10};
    t.assign(0, 0);
    t.assign(1, 0);
    t.observe(0, 5);
    t.finish(1);
    auto p = t.progress(100); // partition 0 idle, partition 1 finished
    CHECK(p.idle);
    CHECK_FALSE(p.finished);
    CHECK(p.watermark == 5);
  }

  TEST_CASE("a restored watermark is the starting point") {
    watermark_tracker t{5'000, 0};
    t.assign(0, 0, 1'000'000);
    CHECK(t.partition_watermark(0) == 1'000'000);
    CHECK(t.progress(0).watermark == 1'000'000);
    // Records up to restored + delay do not move it.
    t.observe(0, 1'004'000);
    CHECK(t.partition_watermark(0) == 1'000'000);
    t.observe(0, 1'005'000);
    CHECK(t.partition_watermark(0) == 1'000'000);
    t.observe(0, 1'005'001);
    CHECK(t.partition_watermark(0) == 1'000'001);
  }

  TEST_CASE("assign resets a slot") {
    watermark_tracker t{0, 10};
    t.assign(0, 0);
    t.observe(0, 500);
    t.finish(0);
    t.assign(0, 1'000);
    CHECK_FALSE(t.finished(0));
    CHECK(t.partition_watermark(0) == min_event_time);
    auto p = t.progress(1'005);
    CHECK_FALSE(p.idle);
    CHECK(p.watermark == min_event_time);
    CHECK(t.progress(1'010).idle);
  }
}
