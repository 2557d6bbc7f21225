#include "worker/watermark/watermark_tracker.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

namespace {

source_progress at(event_time wm) {
  source_progress p;
  p.watermark = wm;
  return p;
}

source_progress idle_at(event_time wm) {
  source_progress p;
  p.watermark = wm;
  p.idle = true;
  return p;
}

source_progress finished() {
  source_progress p;
  p.watermark = max_event_time;
  p.finished = true;
  return p;
}

} // namespace

TEST_SUITE("watermark_combiner") {
  TEST_CASE("the combined watermark is the minimum over active inputs") {
    watermark_combiner c{3};
    CHECK(c.input_count() == 3);
    CHECK(c.current() == min_event_time);
    CHECK_FALSE(c.update(0, at(100)));
    CHECK_FALSE(c.update(1, at(200)));
    CHECK(c.current() == min_event_time);
    CHECK(c.update(2, at(150)));
    CHECK(c.current() == 100);
    CHECK(c.update(0, at(300)));
    CHECK(c.current() == 150);
    CHECK(c.input(0).watermark == 300);
    CHECK_FALSE(c.update(1, at(250)));
    CHECK(c.current() == 150);
    CHECK(c.update(2, at(400)));
    CHECK(c.current() == 250);
  }

  TEST_CASE("it never goes back") {
    watermark_combiner c{2};
    c.update(0, at(100));
    c.update(1, at(100));
    CHECK(c.current() == 100);
    CHECK_FALSE(c.update(0, at(50)));
    CHECK(c.current() == 100);
    // An idle input that comes back behind does not pull it back either.
    c.update(1, idle_at(100));
    CHECK(c.update(0, at(500)));
    CHECK(c.current() == 500);
    CHECK_FALSE(c.update(1, at(200)));
    CHECK(c.current() == 500);
    CHECK_FALSE(c.update(1, at(600)));
    CHECK(c.current() == 500); // input 0 is the minimum again
    CHECK(c.update(0, at(700)));
    CHECK(c.current() == 600);
  }

  TEST_CASE("idle inputs are ignored") {
    watermark_combiner c{2};
    c.update(0, at(1'000));
    CHECK(c.current() == min_event_time);
    CHECK(c.update(1, idle_at(min_event_time)));
    CHECK(c.current() == 1'000);
    CHECK(c.update(0, at(2'000)));
    CHECK(c.current() == 2'000);
  }

  TEST_CASE("when every input is idle the watermark holds") {
    watermark_combiner c{2};
    c.update(0, at(1'000));
    c.update(1, at(2'000));
    CHECK(c.current() == 1'000);
    CHECK(c.update(0, idle_at(1'000))); // input 1 alone
    CHECK(c.current() == 2'000);
    CHECK_FALSE(c.update(1, idle_at(5'000)));
    CHECK(c.current() == 2'000);
    CHECK_FALSE(c.all_finished());
  }

  TEST_CASE("finished inputs are ignored; all finished gives max_event_time") {
    watermark_combiner c{2};
    c.update(0, at(10));
    c.update(1, at(20));
    CHECK(c.current() == 10);
    CHECK(c.update(0, finished()));
    CHECK(c.current() == 20);
    CHECK_FALSE(c.all_finished());
    CHECK(c.update(1, finished()));
    CHECK(c.all_finished());
    CHECK(c.current() == max_event_time);
  }

  TEST_CASE("finished plus idle inputs hold rather than finish") {
    watermark_combiner c{2};
    c.update(0, at(10));
    c.update(1, at(20));
    c.update(0, finished());
    CHECK(c.current() == 20);
    CHECK_FALSE(c.update(1, idle_at(30)));
    CHECK(c.current() == 20);
    CHECK_FALSE(c.all_finished());
  }

  TEST_CASE("resize starts over; no inputs is never finished") {
    watermark_combiner c;
    CHECK(c.input_count() == 0);
    CHECK_FALSE(c.all_finished());
    c.resize(1);
    CHECK(c.update(0, at(5)));
    CHECK(c.current() == 5);
    c.resize(2);
    CHECK(c.current() == min_event_time);
    CHECK(c.input_count() == 2);
    CHECK(c.input(1).watermark == min_event_time);
  }
}
