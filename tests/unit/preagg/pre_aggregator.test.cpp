#include "worker/preagg/pre_aggregator.hpp"

#include "common/time/civil.hpp"
#include "common/util/key_groups.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

using namespace ubaflow;

namespace {

constexpr uint32_t groups = 4;
constexpr event_time minute = ms_per_minute;
constexpr event_time hour = ms_per_hour;
// 2017-11-26 00:00:00 local.
const event_time day0 = days_from_civil(2017, 11, 26) * ms_per_day;

user_event ev(int64_t user, event_time ts, behavior kind = behavior::pv,
              int64_t category = 1) {
  user_event e;
  e.user_id = user;
  e.item_id = 1000 + user;
  e.category_id = category;
  e.ts = ts;
  e.kind = kind;
  return e;
}

key_group group_of(int64_t user) {
  return key_group_of_int(user, groups);
}

key_group group_of_id(uint64_t id) {
  return group_of(static_cast<int64_t>(id));
}

window_spec spec_with(std::initializer_list<result_kind> kinds,
                      int64_t lateness = 0) {
  window_spec spec;
  spec.enabled.fill(false);
  for (auto k : kinds)
    spec.enabled[static_cast<size_t>(k)] = true;
  spec.allowed_lateness_ms = lateness;
  return spec;
}

const window_spec all_results = window_spec{};

std::map<event_time, int64_t> hourly_of(const local_partials& p) {
  std::map<event_time, int64_t> out;
  for (const auto& h : p.hourly) {
    CHECK(out.count(h.window_start) == 0); // one partial per window
    out[h.window_start] = h.buys;
  }
  return out;
}

/// (window start, which set) → all user ids in it, checking the per-group
/// invariants on the way.
enum class which { both, tumbling_only, daily_only };

std::map<std::pair<event_time, which>, std::set<uint64_t>>
users_of(const local_partials& p) {
  std::map<std::pair<event_time, which>, std::set<uint64_t>> out;
  std::set<std::pair<event_time, key_group>> keys;
  for (const auto& u : p.uv) {
    CHECK(u.group < groups);
    CHECK(keys.insert({u.window_start, u.group}).second); // one per (step, group)
    CHECK((!u.both.empty() || !u.tumbling_only.empty() || !u.daily_only.empty()));
    for (auto [set, kind] : {std::pair{&u.both, which::both},
                             std::pair{&u.tumbling_only, which::tumbling_only},
                             std::pair{&u.daily_only, which::daily_only}}) {
      for (size_t i = 0; i < set->ids.size(); ++i) {
        if (i > 0)
          CHECK(set->ids[i - 1] < set->ids[i]); // sorted and distinct
        CHECK(group_of_id(set->ids[i]) == u.group);
        out[{u.window_start, kind}].insert(set->ids[i]);
      }
    }
  }
  return out;
}

std::set<uint64_t> ids(std::initializer_list<int64_t> users) {
  std::set<uint64_t> out;
  for (auto u : users)
    out.insert(static_cast<uint64_t>(u));
  return out;
}

} // namespace

TEST_SUITE("pre_aggregator") {
  TEST_CASE("buys are counted per hour; other behaviours are not") {
    pre_aggregator agg{all_results, groups};
    agg.add(ev(1, day0 + 10 * hour, behavior::buy), min_event_time);
    agg.add(ev(2, day0 + 10 * hour + 59 * minute, behavior::buy), min_event_time);
    agg.add(ev(3, day0 + 11 * hour, behavior::buy), min_event_time);
    agg.add(ev(4, day0 + 10 * hour + 30 * minute, behavior::pv), min_event_time);
    agg.add(ev(5, day0 + 10 * hour + 30 * minute, behavior::cart), min_event_time);
    agg.add(ev(6, day0 + 10 * hour + 30 * minute, behavior::fav), min_event_time);
    agg.add(ev(1, day0 + 10 * hour + 1, behavior::buy), min_event_time);
    CHECK(agg.records() == 7);
    local_partials out;
    agg.drain(out);
    const std::map<event_time, int64_t> expected{{day0 + 10 * hour, 3},
                                                 {day0 + 11 * hour, 1}};
    CHECK(hourly_of(out) == expected);
    CHECK(agg.late().hourly == 0);
  }

  TEST_CASE("hourly lateness: end - 1 <= partition watermark is late") {
    pre_aggregator agg{all_results, groups};
    const event_time start = day0 + 10 * hour;
    const event_time end = start + hour;
    agg.add(ev(1, start, behavior::buy), end - 2);
    agg.add(ev(1, end - 1, behavior::buy), end - 2);
    agg.add(ev(1, start, behavior::buy), end - 1);
    agg.add(ev(1, end - 1, behavior::buy), end + 10 * hour);
    local_partials out;
    agg.drain(out);
    CHECK(hourly_of(out) == std::map<event_time, int64_t>{{start, 2}});
    CHECK(agg.late().hourly == 2);
    // Late buys still count for top_category (a running aggregate).
    REQUIRE(out.category_buys.size() == 1);
    CHECK(out.category_buys[0] == std::pair<int64_t, int64_t>{1, 4});
  }

  TEST_CASE("allowed lateness keeps hourly windows open") {
    pre_aggregator agg{spec_with({result_kind::buy_cnt_per_hour}, 5 * minute), groups};
    const event_time start = day0 + 10 * hour;
    const event_time end = start + hour;
    agg.add(ev(1, start + minute, behavior::buy), end - 1);
    agg.add(ev(1, start + minute, behavior::buy), end - 1 + 5 * minute - 1);
    agg.add(ev(1, start + minute, behavior::buy), end - 1 + 5 * minute);
    local_partials out;
    agg.drain(out);
    CHECK(hourly_of(out) == std::map<event_time, int64_t>{{start, 2}});
    CHECK(agg.late().hourly == 1);
    CHECK(out.category_buys.empty()); // top_category is off
    CHECK(out.uv.empty());            // both UV results are off
  }

  TEST_CASE("on-time users are collected per step and key group, sorted and distinct") {
    pre_aggregator agg{all_results, groups};
    const event_time step = day0 + 10 * hour;
    std::set<uint64_t> expected;
    for (int64_t user : {50, 3, 17, 3, 99, 1, 50, 1000000007, -5, 42, 17}) {
      agg.add(ev(user, step + (user > 0 ? user % 7 : 3) * minute), min_event_time);
      expected.insert(static_cast<uint64_t>(user));
    }
    agg.add(ev(8, step + 10 * minute), min_event_time); // next step
    CHECK(agg.buffered_users() == 12);
    local_partials out;
    agg.drain(out);
    auto users = users_of(out);
    CHECK(users[{step, which::both}] == expected);
    CHECK(users[{step + 10 * minute, which::both}] == ids({8}));
    CHECK(users.size() == 2);
    // Every key group that saw users has a partial.
    std::set<key_group> seen;
    for (const auto& u : out.uv)
      if (u.window_start == step)
        seen.insert(u.group);
    std::set<key_group> expected_groups;
    for (auto id : expected)
      expected_groups.insert(group_of_id(id));
    CHECK(seen == expected_groups);
    CHECK(agg.buffered_users() == 0);
  }

  TEST_CASE("UV lateness is per partition watermark: end - 1 <= wm is late") {
    pre_aggregator agg{spec_with({result_kind::cumulative_uv}), groups};
    const event_time step = day0 + 10 * hour;
    agg.add(ev(1, step), step + 10 * minute - 2); // on time
    agg.add(ev(2, step), step + 10 * minute - 1); // late
    agg.add(ev(3, step + 10 * minute - 1), step + 10 * minute - 1); // late
    local_partials out;
    agg.drain(out);
    auto users = users_of(out);
    CHECK(users[{step, which::both}] == ids({1}));
    CHECK(users.size() == 1);
    CHECK(agg.late().uv == 2);
    CHECK(agg.late().daily == 0);
  }

  TEST_CASE("late users within the allowed lateness go to tumbling_only") {
    pre_aggregator agg{spec_with({result_kind::cumulative_uv}, 10 * minute), groups};
    const event_time step = day0 + 10 * hour;
    const event_time end = step + 10 * minute;
    agg.add(ev(1, step), end - 1);                      // closed, within lateness
    agg.add(ev(2, step + minute), end - 1 + 10 * minute - 1);
    agg.add(ev(2, step + 2 * minute), end - 1 + 10 * minute - 1); // duplicate
    agg.add(ev(3, step), end - 1 + 10 * minute);        // beyond lateness
    agg.add(ev(4, step), min_event_time);               // on time
    local_partials out;
    agg.drain(out);
    auto users = users_of(out);
    CHECK(users[{step, which::both}] == ids({4}));
    CHECK(users[{step, which::tumbling_only}] == ids({1, 2}));
    CHECK(users.size() == 2);
    CHECK(agg.late().uv == 1);
  }

  TEST_CASE("daily_only: a late user moves to the first open step of its day") {
    pre_aggregator agg{spec_with({result_kind::cumulative_uv_daily}), groups};
    const event_time step = day0 + 10 * hour;
    // Watermark 10:15:00 → first open step is [10:10, 10:20).
    agg.add(ev(1, step + 5 * minute), step + 15 * minute);
    // Watermark exactly at a step's end - 1: that step is closed too.
    agg.add(ev(2, step), step + 20 * minute - 1);
    // Watermark 10:19:59.998: [10:10, 10:20) is still open; the user's own
    // step [10:10, ...) is open as well → on time.
    agg.add(ev(3, step + 10 * minute), step + 20 * minute - 2);
    local_partials out;
    agg.drain(out);
    auto users = users_of(out);
    CHECK(users[{step + 10 * minute, which::daily_only}] == ids({1}));
    CHECK(users[{step + 20 * minute, which::daily_only}] == ids({2}));
    CHECK(users[{step + 10 * minute, which::both}] == ids({3}));
    CHECK(users.size() == 3);
    CHECK(agg.late().daily == 0);
    CHECK(agg.late().uv == 0); // cumulative_uv is off: nothing to count
  }

  TEST_CASE("a user whose whole day has closed is late for the daily result") {
    pre_aggregator agg{spec_with({result_kind::cumulative_uv_daily}), groups};
    const event_time day_end = day0 + ms_per_day;
    // The day's last step [23:50, 24:00) is open until day_end - 1.
    agg.add(ev(1, day0 + 23 * hour + 35 * minute), day_end - 2);
    agg.add(ev(2, day0 + 23 * hour + 35 * minute), day_end - 1);
    agg.add(ev(3, day0 + hour), day_end + 5 * hour);
    local_partials out;
    agg.drain(out);
    auto users = users_of(out);
    CHECK(users[{day0 + 23 * hour + 50 * minute, which::daily_only}] == ids({1}));
    CHECK(users.size() == 1);
    CHECK(agg.late().daily == 2);
  }

  TEST_CASE("both UV results: late users can land in tumbling_only and daily_only") {
    pre_aggregator agg{spec_with({result_kind::cumulative_uv,
                                  result_kind::cumulative_uv_daily},
                                 10 * minute),
                       groups};
    const event_time step = day0 + 10 * hour;
    // wm 10:15 → [10:00, 10:10) closed but within lateness; first open step 10:10.
    agg.add(ev(1, step + minute), step + 15 * minute);
    // wm 10:25 → beyond lateness for [10:00, 10:10); first open step 10:20.
    agg.add(ev(2, step + minute), step + 25 * minute);
    // On time in the step that also receives daily_only users.
    agg.add(ev(3, step + 12 * minute), step + 15 * minute);
    local_partials out;
    agg.drain(out);
    auto users = users_of(out);
    CHECK(users[{step, which::tumbling_only}] == ids({1}));
    CHECK(users[{step + 10 * minute, which::daily_only}] == ids({1}));
    CHECK(users[{step + 20 * minute, which::daily_only}] == ids({2}));
    CHECK(users[{step + 10 * minute, which::both}] == ids({3}));
    CHECK(users.size() == 4);
    CHECK(agg.late().uv == 1);
    CHECK(agg.late().daily == 0);
    CHECK(agg.buffered_users() == 0);
  }

  TEST_CASE("a step holding both and late sets yields one partial per key group") {
    pre_aggregator agg{all_results, 1};
    const event_time step = day0 + 10 * hour;
    agg.add(ev(1, step + 12 * minute), step + 15 * minute);  // both @10:10
    agg.add(ev(2, step + minute), step + 15 * minute);       // daily_only @10:10
    local_partials out;
    agg.drain(out);
    // User 2's own step got nothing: lateness 0 drops it from the
    // tumbling window, and the daily result moved it to 10:10.
    REQUIRE(out.uv.size() == 1);
    CHECK(out.uv[0].window_start == step + 10 * minute);
    CHECK(out.uv[0].group == 0);
    CHECK(out.uv[0].both.ids == std::vector<uint64_t>{1});
    CHECK(out.uv[0].daily_only.ids == std::vector<uint64_t>{2});
    CHECK(out.uv[0].tumbling_only.empty());
    CHECK(agg.late().uv == 1);
  }

  TEST_CASE("results switched off produce nothing and count nothing") {
    pre_aggregator agg{spec_with({}), groups};
    agg.add(ev(1, day0, behavior::buy), day0 + ms_per_day * 10);
    agg.add(ev(2, day0, behavior::pv), min_event_time);
    CHECK(agg.records() == 2);
    CHECK(agg.buffered_users() == 0);
    local_partials out;
    agg.drain(out);
    CHECK(out.empty());
    CHECK(agg.late().hourly == 0);
    CHECK(agg.late().uv == 0);
    CHECK(agg.late().daily == 0);

    pre_aggregator only_categories{spec_with({result_kind::top_category}), groups};
    only_categories.add(ev(1, day0, behavior::buy, 7), min_event_time);
    only_categories.add(ev(2, day0, behavior::buy, 7), day0 + 100 * ms_per_day);
    only_categories.add(ev(3, day0, behavior::buy, 8), min_event_time);
    only_categories.add(ev(4, day0, behavior::cart, 8), min_event_time);
    only_categories.drain(out);
    auto buys = out.category_buys;
    std::sort(buys.begin(), buys.end());
    CHECK(buys == std::vector<std::pair<int64_t, int64_t>>{{7, 2}, {8, 1}});
    CHECK(out.hourly.empty());
    CHECK(out.uv.empty());
  }

  TEST_CASE("drain empties the aggregator") {
    pre_aggregator agg{all_results, groups};
    agg.add(ev(1, day0, behavior::buy), min_event_time);
    agg.add(ev(2, day0 + hour, behavior::pv), min_event_time);
    agg.add(ev(3, day0, behavior::pv), day0 + 15 * minute);
    local_partials first;
    agg.drain(first);
    CHECK_FALSE(first.empty());
    CHECK(first.hourly.size() == 1);
    CHECK(first.category_buys.size() == 1);
    local_partials second;
    agg.drain(second);
    CHECK(second.empty());
    CHECK(agg.buffered_users() == 0);
    // Counters are cumulative, not reset by draining.
    CHECK(agg.records() == 3);
    CHECK(agg.late().uv == 1);
    // Adding after a drain starts fresh windows.
    agg.add(ev(1, day0, behavior::buy), min_event_time);
    local_partials third;
    agg.drain(third);
    CHECK(hourly_of(third) == std::map<event_time, int64_t>{{day0, 1}});
    CHECK(users_of(third)[{day0, which::both}] == ids({1}));
  }

  TEST_CASE("drain appends to what the output already holds") {
    pre_aggregator agg{all_results, groups};
    local_partials out;
    out.hourly.push_back({123, 4});
    agg.add(ev(1, day0, behavior::buy), min_event_time);
    agg.drain(out);
    REQUIRE(out.hourly.size() == 2);
    CHECK(out.hourly[0].window_start == 123);
    CHECK(out.hourly[1].window_start == day0);
  }

  TEST_CASE("make_user_set sorts, deduplicates and takes the ids") {
    std::vector<uint64_t> raw{5, 1, 5, 3, 1, 1, 9};
    auto set = make_user_set(raw);
    CHECK(set.ids == std::vector<uint64_t>{1, 3, 5, 9});
    CHECK(set.size() == 4);
    CHECK_FALSE(set.empty());
    CHECK(raw.empty());
    std::vector<uint64_t> none;
    CHECK(make_user_set(none).empty());
  }

  TEST_CASE("negative user ids are routed by their 64-bit pattern") {
    pre_aggregator agg{spec_with({result_kind::cumulative_uv}), groups};
    agg.add(ev(-1, day0), min_event_time);
    local_partials out;
    agg.drain(out);
    REQUIRE(out.uv.size() == 1);
    CHECK(out.uv[0].group == group_of(-1));
    CHECK(out.uv[0].both.ids == std::vector<uint64_t>{~uint64_t{0}});
  }
}
