#include "worker/state/uv_store.hpp"

#include "common/time/civil.hpp"

#include <doctest/doctest.h>

#include <map>
#include <vector>

using namespace ubaflow;

namespace {

constexpr event_time step_ms = 10 * ms_per_minute;
const event_time day0 = days_from_civil(2017, 11, 26) * ms_per_day;
const event_time day1 = day0 + ms_per_day;
const event_time t10 = day0 + 10 * ms_per_hour; // 10:00

window_spec spec(int64_t lateness = 0, bool tumbling = true, bool daily = true) {
  window_spec s;
  s.allowed_lateness_ms = lateness;
  s.enabled[static_cast<size_t>(result_kind::cumulative_uv)] = tumbling;
  s.enabled[static_cast<size_t>(result_kind::cumulative_uv_daily)] = daily;
  return s;
}

uv_partial partial(event_time start, key_group group, std::vector<uint64_t> both,
                   std::vector<uint64_t> tumbling_only = {},
                   std::vector<uint64_t> daily_only = {}) {
  uv_partial p;
  p.window_start = start;
  p.group = group;
  p.both.ids = std::move(both);
  p.tumbling_only.ids = std::move(tumbling_only);
  p.daily_only.ids = std::move(daily_only);
  return p;
}

const key_group_range range{0, 4};

/// Tumbling slices by window end.
std::map<event_time, int64_t> tumbling(const std::vector<uv_slice>& slices) {
  std::map<event_time, int64_t> out;
  for (const auto& s : slices) {
    CHECK(s.range == range);
    if (!s.daily) {
      CHECK(s.window_end - s.window_start == step_ms);
      out[s.window_end] = s.users;
    }
  }
  return out;
}

/// Daily slices by step end; checks that each names its day's start.
std::map<event_time, int64_t> daily(const std::vector<uv_slice>& slices) {
  std::map<event_time, int64_t> out;
  for (const auto& s : slices) {
    if (s.daily) {
      CHECK(s.window_start == align_down(s.window_end - 1, ms_per_day));
      CHECK(out.count(s.window_end) == 0); // each step once
      out[s.window_end] = s.users;
    }
  }
  return out;
}

} // namespace

TEST_SUITE("uv_store") {
  TEST_CASE("state bytes per key group add up to the total") {
    uv_store store{spec(0, true, true), range};
    store.merge(partial(t10, 0, {1, 2, 3}), min_event_time);
    store.merge(partial(t10, 2, {7}), min_event_time);
    const auto by_group = store.state_bytes_by_group(range);
    REQUIRE(by_group.size() == 4);
    CHECK(by_group[0] > 0);
    CHECK(by_group[1] == 0);
    CHECK(by_group[2] > 0);
    uint64_t sum = 0;
    for (auto b : by_group)
      sum += b;
    CHECK(sum == store.state_bytes());
  }

  TEST_CASE("tumbling windows count distinct users over the owner's key groups") {
    uv_store store{spec(0, true, false), range};
    store.merge(partial(t10, 0, {1, 2, 3}), min_event_time);
    store.merge(partial(t10, 0, {2, 3, 4}), min_event_time);
    store.merge(partial(t10, 1, {5}), min_event_time);
    store.merge(partial(t10, 2, {}, {6, 7}), min_event_time); // tumbling_only
    store.merge(partial(t10, 3, {}, {}, {8}), min_event_time); // daily_only: ignored
    store.merge(partial(t10 + step_ms, 0, {1}), min_event_time);
    std::vector<uv_slice> out;
    store.advance(t10 + step_ms - 2, out);
    CHECK(out.empty());
    store.advance(t10 + step_ms - 1, out);
    CHECK(tumbling(out) == std::map<event_time, int64_t>{{t10 + step_ms, 7}});
    CHECK(daily(out).empty());
    out.clear();
    store.advance(t10 + 2 * step_ms - 1, out);
    CHECK(tumbling(out) == std::map<event_time, int64_t>{{t10 + 2 * step_ms, 1}});
    CHECK(store.open_windows() == 0);
    CHECK(store.late_users() == 0);
  }

  TEST_CASE("late partials are counted, not merged") {
    uv_store store{spec(0, true, false), range};
    store.merge(partial(t10, 0, {1, 2}, {3}), t10 + step_ms - 1);
    CHECK(store.late_users() == 3);
    CHECK(store.open_windows() == 0);
    std::vector<uv_slice> out;
    store.advance(max_event_time, out);
    CHECK(out.empty());
  }

  TEST_CASE("allowed lateness re-emits a changed tumbling slice") {
    const int64_t lateness = 20 * ms_per_minute;
    uv_store store{spec(lateness, true, false), range};
    std::vector<uv_slice> out;
    store.merge(partial(t10, 0, {1, 2}), min_event_time);
    store.advance(t10 + step_ms - 1, out);
    CHECK(tumbling(out) == std::map<event_time, int64_t>{{t10 + step_ms, 2}});
    out.clear();
    store.advance(t10 + step_ms, out);
    CHECK(out.empty());
    // A user already counted changes nothing but is still re-reported.
    store.merge(partial(t10, 0, {}, {2, 9}), t10 + step_ms);
    store.advance(t10 + step_ms + 1, out);
    CHECK(tumbling(out) == std::map<event_time, int64_t>{{t10 + step_ms, 3}});
    out.clear();
    store.advance(t10 + step_ms - 1 + lateness, out);
    CHECK(out.empty());
    CHECK(store.open_windows() == 0);
    store.merge(partial(t10, 1, {}, {10}), t10 + step_ms - 1 + lateness);
    CHECK(store.late_users() == 1);
  }

  TEST_CASE("day-to-date counts from the first step with data to the end of the day") {
    uv_store store{spec(0, false, true), range};
    std::vector<uv_slice> out;
    store.merge(partial(t10, 0, {1, 2}), min_event_time);
    store.merge(partial(t10 + step_ms, 1, {3}), min_event_time);
    store.merge(partial(t10 + step_ms, 0, {1}), min_event_time); // seen before
    store.merge(partial(t10 + 3 * step_ms, 0, {4}, {}, {5}), min_event_time);
    store.merge(partial(t10 + 3 * step_ms, 2, {}, {6}, {}), min_event_time); // tumbling_only
    CHECK(store.open_days() == 1);
    store.advance(day1 - 1, out);
    const auto d = daily(out);
    CHECK(tumbling(out).empty());
    // 10:10 .. 24:00: 84 steps.
    REQUIRE(d.size() == 84);
    CHECK(d.begin()->first == t10 + step_ms);
    CHECK(d.rbegin()->first == day1);
    CHECK(d.at(t10 + step_ms) == 2);
    CHECK(d.at(t10 + 2 * step_ms) == 3);
    CHECK(d.at(t10 + 3 * step_ms) == 3);
    CHECK(d.at(t10 + 4 * step_ms) == 5);
    CHECK(d.at(day1) == 5);
    int64_t previous = 0;
    for (const auto& [end, users] : d) {
      CHECK(users >= previous); // non-decreasing within the day
      previous = users;
    }
    CHECK(store.open_days() == 0);
    CHECK(store.open_windows() == 0);
  }

  TEST_CASE("day-to-date counts reset at midnight") {
    uv_store store{spec(0, false, true), range};
    std::vector<uv_slice> out;
    store.merge(partial(day1 - step_ms, 0, {1, 2, 3}), min_event_time);
    store.merge(partial(day1, 0, {1}), min_event_time);
    store.merge(partial(day1 + step_ms, 3, {7}), min_event_time);
    store.advance(day1 + 2 * step_ms - 1, out);
    const auto d = daily(out);
    REQUIRE(d.size() == 3);
    CHECK(d.at(day1) == 3);
    CHECK(d.at(day1 + step_ms) == 1);
    CHECK(d.at(day1 + 2 * step_ms) == 2);
    CHECK(store.open_days() == 1);
  }

  TEST_CASE("steps are emitted as the watermark passes them, one at a time") {
    uv_store store{spec(0, true, true), range};
    std::vector<uv_slice> out;
    store.merge(partial(t10, 0, {1}), min_event_time);
    store.advance(t10 + step_ms - 1, out);
    CHECK(daily(out) == std::map<event_time, int64_t>{{t10 + step_ms, 1}});
    CHECK(tumbling(out) == std::map<event_time, int64_t>{{t10 + step_ms, 1}});
    out.clear();
    store.merge(partial(t10 + 2 * step_ms, 1, {2}), t10 + step_ms - 1);
    store.advance(t10 + 2 * step_ms - 1, out);
    // An empty step still gets a daily slice; tumbling only where users were.
    CHECK(daily(out) == std::map<event_time, int64_t>{{t10 + 2 * step_ms, 1}});
    CHECK(tumbling(out).empty());
    out.clear();
    store.advance(t10 + 3 * step_ms - 1, out);
    CHECK(daily(out) == std::map<event_time, int64_t>{{t10 + 3 * step_ms, 2}});
    CHECK(tumbling(out) == std::map<event_time, int64_t>{{t10 + 3 * step_ms, 1}});
  }

  TEST_CASE("daily users for a step this owner already emitted count from the next open step") {
    uv_store store{spec(0, true, true), range};
    std::vector<uv_slice> out;
    store.merge(partial(t10, 0, {1}), min_event_time);
    store.advance(t10 + 2 * step_ms - 1, out); // emits 10:10 and 10:20
    out.clear();
    // An idle partition resumed behind: its users for 10:00 are late for
    // the tumbling window but still count in the day's open steps.
    store.merge(partial(t10, 1, {2}), t10 + 2 * step_ms - 1);
    CHECK(store.late_users() == 1);
    store.advance(t10 + 3 * step_ms - 1, out);
    CHECK(daily(out) == std::map<event_time, int64_t>{{t10 + 3 * step_ms, 2}});
    CHECK(tumbling(out).empty());
  }

  TEST_CASE("a day first seen through an already-emitted step starts at the first open step") {
    // The owner has no state for the day yet, but its watermark has passed
    // 10:00-10:20: those steps were emitted without this owner's slice, so
    // the late user counts from 10:20 on and no earlier step is re-reported.
    uv_store store{spec(0, true, true), range};
    std::vector<uv_slice> out;
    store.advance(t10 + 2 * step_ms - 1, out);
    CHECK(out.empty());
    store.merge(partial(t10, 1, {2}), t10 + 2 * step_ms - 1);
    store.advance(t10 + 3 * step_ms - 1, out);
    CHECK(daily(out) == std::map<event_time, int64_t>{{t10 + 3 * step_ms, 1}});
    CHECK(tumbling(out).empty());
  }

  TEST_CASE("users of a whole closed day are late") {
    uv_store store{spec(0, false, true), range};
    store.merge(partial(t10, 0, {1, 2}, {}, {3}), day1 - 1);
    CHECK(store.late_users() == 3);
    CHECK(store.open_days() == 0);
    std::vector<uv_slice> out;
    store.advance(max_event_time, out);
    CHECK(out.empty());
  }

  TEST_CASE("an earlier first step found before anything was emitted extends the day") {
    uv_store store{spec(0, false, true), range};
    std::vector<uv_slice> out;
    store.merge(partial(t10 + 5 * step_ms, 0, {1}), min_event_time);
    store.merge(partial(t10, 0, {2}), min_event_time);
    store.advance(t10 + 6 * step_ms - 1, out);
    const auto d = daily(out);
    REQUIRE(d.size() == 6);
    CHECK(d.begin()->first == t10 + step_ms);
    CHECK(d.at(t10 + 5 * step_ms) == 1);
    CHECK(d.at(t10 + 6 * step_ms) == 2);
  }

  TEST_CASE("state is dropped once no result needs it") {
    const int64_t lateness = 15 * ms_per_minute;
    uv_store store{spec(lateness, true, true), range};
    std::vector<uv_slice> out;
    store.merge(partial(t10, 0, {1, 2, 3}), min_event_time);
    CHECK(store.state_bytes() > 0);
    store.advance(t10 + step_ms - 1, out);
    CHECK(store.open_windows() == 1); // kept for the allowed lateness
    store.advance(t10 + step_ms - 1 + lateness, out);
    CHECK(store.open_windows() == 0);
    CHECK(store.open_days() == 1); // the day is still open
    store.advance(day1 - 1, out);
    CHECK(store.open_days() == 0);
    CHECK(store.state_bytes() == 0);
  }

  TEST_CASE("nothing is computed for results that are off") {
    uv_store store{spec(0, false, false), range};
    store.merge(partial(t10, 0, {1}, {2}, {3}), min_event_time);
    std::vector<uv_slice> out;
    store.advance(max_event_time - 1, out);
    CHECK(out.empty());
    CHECK(store.open_windows() == 0);
    CHECK(store.open_days() == 0);
  }
}
