#include "worker/state/keyed_state.hpp"

#include "common/time/civil.hpp"
#include "worker/state/uv_combiner.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

constexpr event_time step_ms = 10 * ms_per_minute;
const event_time day0 = days_from_civil(2017, 11, 26) * ms_per_day;
const event_time day1 = day0 + ms_per_day;
const event_time t10 = day0 + 10 * ms_per_hour;
const event_time h11 = day0 + 11 * ms_per_hour;
const result_formatter format{*time_zone::load("Asia/Shanghai")};

partial_batch batch(uint32_t source, event_time wm) {
  partial_batch b;
  b.source = source;
  b.watermark = wm;
  return b;
}

partial_batch end_batch(uint32_t source) {
  partial_batch b;
  b.source = source;
  b.end_of_input = true;
  return b;
}

partial_batch idle_batch(uint32_t source, event_time wm) {
  partial_batch b = batch(source, wm);
  b.idle = true;
  return b;
}

uv_partial users(event_time start, key_group group, std::vector<uint64_t> ids) {
  uv_partial p;
  p.window_start = start;
  p.group = group;
  p.both.ids = std::move(ids);
  return p;
}

std::map<std::string, std::string> docs(const std::vector<result_row>& rows,
                                        result_kind kind) {
  std::map<std::string, std::string> out;
  for (const auto& r : rows)
    if (r.index == to_string(kind))
      out[r.id] = r.document;
  return out;
}

std::map<event_time, int64_t> daily_slices(const std::vector<uv_slice>& slices) {
  std::map<event_time, int64_t> out;
  for (const auto& s : slices)
    if (s.daily)
      out[s.window_end] = s.users;
  return out;
}

} // namespace

TEST_SUITE("keyed_state") {
  TEST_CASE("windows fire on the minimum watermark of all inputs") {
    keyed_state state{window_spec{}, {0, 4}, 2, format};
    CHECK(state.range() == key_group_range{0, 4});
    CHECK(state.inputs().input_count() == 2);
    state_output out;

    auto b0 = batch(0, h11 - 1);
    b0.hourly.push_back({t10, 3});
    b0.uv.push_back(users(t10, 0, {1, 2}));
    b0.categories.push_back({"女装", 1});
    state.on_batch(b0, out);
    CHECK_FALSE(out.progressed);
    CHECK(out.rows.empty());
    CHECK(out.slices.empty());
    CHECK(state.watermark() == min_event_time);

    auto b1 = batch(1, h11);
    b1.hourly.push_back({t10, 2});
    b1.uv.push_back(users(t10 + step_ms, 3, {7, 9}));
    state.on_batch(b1, out);
    CHECK(out.progressed);
    CHECK(state.watermark() == h11 - 1);
    CHECK(docs(out.rows, result_kind::buy_cnt_per_hour)
          == std::map<std::string, std::string>{
               {"2017-11-26T10:00:00", format.hourly(t10, h11, 5).document}});
    // Tumbling slices for the two steps with users; daily for all six steps.
    std::map<event_time, int64_t> tumbling;
    for (const auto& s : out.slices) {
      CHECK(s.range == key_group_range{0, 4});
      if (!s.daily)
        tumbling[s.window_end] = s.users;
    }
    CHECK(tumbling == std::map<event_time, int64_t>{{t10 + step_ms, 2},
                                                    {t10 + 2 * step_ms, 2}});
    CHECK(daily_slices(out.slices)
          == std::map<event_time, int64_t>{{t10 + step_ms, 2},
                                           {t10 + 2 * step_ms, 4},
                                           {t10 + 3 * step_ms, 4},
                                           {t10 + 4 * step_ms, 4},
                                           {t10 + 5 * step_ms, 4},
                                           {h11, 4}});
    // Categories wait for the mini-batch.
    CHECK(docs(out.rows, result_kind::top_category).empty());
    CHECK(state.categories().has_changes());
    out.clear();
    state.emit_categories(out);
    CHECK(docs(out.rows, result_kind::top_category)
          == std::map<std::string, std::string>{{"女装", format.category("女装", 1).document}});
    CHECK(state.batches() == 2);
  }

  TEST_CASE("partials are merged against the watermark from before their batch") {
    keyed_state state{window_spec{}, {0, 1}, 1, format};
    state_output out;
    // The batch's own watermark passes the window: its buys still count.
    auto b = batch(0, h11 + ms_per_hour);
    b.hourly.push_back({t10, 4});
    state.on_batch(b, out);
    CHECK(docs(out.rows, result_kind::buy_cnt_per_hour)
          == std::map<std::string, std::string>{
               {"2017-11-26T10:00:00", format.hourly(t10, h11, 4).document}});
    CHECK(state.late_records() == 0);
    // The next batch's buys for that window are late.
    out.clear();
    auto late = batch(0, h11 + ms_per_hour);
    late.hourly.push_back({t10, 2});
    late.uv.push_back(users(t10, 0, {7}));
    state.on_batch(late, out);
    CHECK(out.rows.empty());
    CHECK(state.late_records() == 2 + 1);
    CHECK(state.hourly().late_buys() == 2);
    CHECK(state.uv().late_users() == 1);
  }

  TEST_CASE("end of input from every input fires everything and emits categories") {
    keyed_state state{window_spec{}, {0, 2}, 2, format};
    state_output out;
    auto b = batch(0, t10);
    b.hourly.push_back({t10, 1});
    b.uv.push_back(users(day1 - step_ms, 1, {5}));
    b.categories.push_back({"a", 2});
    state.on_batch(b, out);
    state.on_batch(end_batch(0), out);
    CHECK_FALSE(state.finished());
    CHECK(out.rows.empty());
    state.on_batch(end_batch(1), out);
    CHECK(state.finished());
    CHECK(state.watermark() == max_event_time);
    CHECK(docs(out.rows, result_kind::buy_cnt_per_hour).size() == 1);
    CHECK(docs(out.rows, result_kind::top_category)
          == std::map<std::string, std::string>{{"a", format.category("a", 2).document}});
    CHECK(daily_slices(out.slices) == std::map<event_time, int64_t>{{day1, 1}});
    CHECK(state.uv().open_windows() == 0);
    CHECK(state.uv().open_days() == 0);
    CHECK(state.hourly().open_windows() == 0);
  }

  TEST_CASE("an idle input does not hold windows back") {
    keyed_state state{window_spec{}, {0, 1}, 2, format};
    state_output out;
    auto b = batch(0, h11 - 1);
    b.hourly.push_back({t10, 1});
    state.on_batch(b, out);
    CHECK(out.rows.empty());
    state.on_batch(idle_batch(1, min_event_time), out);
    CHECK(out.progressed);
    CHECK(out.rows.size() == 1);
  }

  TEST_CASE("an idle input resuming behind never rewrites day-to-date rows already emitted") {
    // Owner A holds key groups [0, 2), owner B [2, 4); both read sources 0
    // and 1. Source 1 goes idle, source 0 moves the day to 10:20. Then source
    // 1 resumes with a user of 10:00 whose key group belongs to B, which had
    // no users that day yet. CUMULATE counts the user from the first step
    // not yet emitted (10:20 - 10:30); the rows of 10:10 and 10:20 must keep
    // their values.
    const key_group_range ra{0, 2};
    const key_group_range rb{2, 4};
    keyed_state a{window_spec{}, ra, 2, format};
    keyed_state b{window_spec{}, rb, 2, format};
    uv_combiner combiner{window_spec{}, {ra, rb}, format};
    std::map<std::string, std::string> daily_rows;
    std::vector<std::map<std::string, std::string>> history;

    auto deliver = [&](keyed_state& owner, const partial_batch& pb) {
      state_output out;
      owner.on_batch(pb, out);
      uv_report r;
      r.slices = out.slices;
      r.progress = {owner.range(), owner.watermark(), owner.finished()};
      std::vector<result_row> rows;
      combiner.on_report(r, rows);
      for (const auto& row : rows)
        if (row.index == to_string(result_kind::cumulative_uv_daily))
          daily_rows[row.id] = row.document;
    };

    auto first = batch(0, t10 + 2 * step_ms - 1);
    first.uv.push_back(users(t10, 0, {1, 2, 3}));
    deliver(a, first);
    deliver(b, batch(0, t10 + 2 * step_ms - 1));
    deliver(a, idle_batch(1, t10 - 1));
    deliver(b, idle_batch(1, t10 - 1));
    REQUIRE(daily_rows.count("2017-11-26 10:10:00") == 1);
    REQUIRE(daily_rows.count("2017-11-26 10:20:00") == 1);
    const auto at_1010 = daily_rows["2017-11-26 10:10:00"];
    const auto at_1020 = daily_rows["2017-11-26 10:20:00"];
    CHECK(at_1010 == format.daily(day0, t10 + step_ms, 3).document);
    CHECK(at_1020 == format.daily(day0, t10 + 2 * step_ms, 3).document);

    // Source 1 resumes behind the owners' watermark.
    auto resumed = batch(1, t10 + 2 * step_ms - 1);
    resumed.uv.push_back(users(t10, 2, {4}));
    deliver(a, batch(1, t10 + 2 * step_ms - 1));
    deliver(b, resumed);
    // Time moves on to 10:30.
    deliver(a, batch(0, t10 + 3 * step_ms - 1));
    deliver(b, batch(0, t10 + 3 * step_ms - 1));
    deliver(a, batch(1, t10 + 3 * step_ms - 1));
    deliver(b, batch(1, t10 + 3 * step_ms - 1));

    CHECK(daily_rows["2017-11-26 10:10:00"] == at_1010);
    CHECK(daily_rows["2017-11-26 10:20:00"] == at_1020);
    CHECK(daily_rows["2017-11-26 10:30:00"]
          == format.daily(day0, t10 + 3 * step_ms, 4).document);
  }
}
