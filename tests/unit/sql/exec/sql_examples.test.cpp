// jobs/examples/behaviour_metrics.sql: ten more results of the click
// stream in one job (one source read). Run in batch over two simulated
// days, every result is compared with a plain computation over the same
// events (maps and sets, no SQL machinery).

#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"
#include "common/time/civil.hpp"
#include "tests/unit/sql/exec/batch_test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

constexpr int64_t minute = 60000;
constexpr int64_t hour = 60 * minute;
constexpr int64_t day = 24 * hour;

int64_t align(int64_t t, int64_t size) { return t - t % size; }

struct examples_run {
  bound_script script;
  sql_batch_result result;
  std::vector<user_event> events;
  std::map<int64_t, std::string> category_of; ///< sub-category → name

  const std::vector<sql_row>& rows(const std::string& table) const {
    return sink_rows(script, result, table);
  }
  std::string name_of(int64_t category) const {
    auto i = category_of.find(category);
    return i == category_of.end() ? "unknown" : i->second;
  }
};

const examples_run& run_examples() {
  static const examples_run run = [] {
    examples_run r;
    auto bound = bind_sql(read_text_file(
      UBAFLOW_SOURCE_DIR "/jobs/examples/behaviour_metrics.sql"));
    REQUIRE_MESSAGE(bound.ok(), bound.error->to_string());
    r.script = std::move(bound.script);
    auto planned = plan_script(r.script);
    REQUIRE_MESSAGE(planned.ok(), planned.error->to_string());
    REQUIRE(planned.plan.sources.size() == 1); // one read for all ten
    REQUIRE(planned.plan.queries.size() == 10);
    r.events = simulated_days(40'000, 5'000, 11);
    sql_batch_input input;
    for (const auto& e : r.events)
      input.tables[0].push_back(behaviour_row(e));
    input.tables[1] = category_rows(UBAFLOW_SOURCE_DIR "/data/category.csv");
    for (const auto& row : input.tables[1])
      r.category_of[row[0].as_bigint()] = row[1].as_string();
    r.result = run_batch(r.script, planned.plan, input, time_zone::utc());
    return r;
  }();
  return run;
}

} // namespace

TEST_SUITE("sql.exec.examples") {

TEST_CASE("1: events and exact visitors per hour and behaviour") {
  const auto& r = run_examples();
  CHECK(r.result.rows_rejected == 0);
  std::map<std::pair<int64_t, std::string>, std::set<int64_t>> users;
  std::map<std::pair<int64_t, std::string>, int64_t> events;
  for (const auto& e : r.events) {
    const auto key = std::make_pair(align(e.ts, hour), behavior_name(e.kind));
    users[key].insert(e.user_id);
    ++events[key];
  }
  const auto& rows = r.rows("pv_uv_per_hour");
  REQUIRE(rows.size() == events.size());
  for (const auto& row : rows) {
    const auto key = std::make_pair(row[0].as_millis(), row[1].as_string());
    CHECK(row[2].as_bigint() == events[key]);
    CHECK(row[3].as_bigint() == static_cast<int64_t>(users[key].size()));
  }
}

TEST_CASE("2: carts, buys and buys per cart per category and hour") {
  const auto& r = run_examples();
  std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, int64_t>> counts;
  for (const auto& e : r.events) {
    if (e.kind != behavior::cart && e.kind != behavior::buy)
      continue;
    auto& c = counts[{align(e.ts, hour), e.category_id}];
    (e.kind == behavior::cart ? c.first : c.second) += 1;
  }
  const auto& rows = r.rows("conversion_per_category_hour");
  REQUIRE(rows.size() == counts.size());
  for (const auto& row : rows) {
    const auto& c = counts[{row[0].as_millis(), row[1].as_bigint()}];
    CHECK(row[2].as_bigint() == c.first);
    CHECK(row[3].as_bigint() == c.second);
    if (c.first > 0)
      CHECK(row[4].as_double()
            == doctest::Approx(static_cast<double>(c.second) / c.first));
  }
}

TEST_CASE("3 and 10: buys per parent category after the lookup join") {
  const auto& r = run_examples();
  std::map<std::pair<int64_t, std::string>, int64_t> per_hour;
  std::map<int64_t, std::tuple<int64_t, int64_t, int64_t>> clothing;
  for (const auto& e : r.events) {
    if (e.kind != behavior::buy)
      continue;
    const auto name = r.name_of(e.category_id);
    ++per_hour[{align(e.ts, hour), name}];
    if (name.find("Clothing") == std::string::npos)
      continue;
    auto [it, fresh] = clothing.try_emplace(align(e.ts, day), 0, e.item_id,
                                            e.item_id);
    auto& [buys, first, last] = it->second;
    ++buys;
    first = std::min(first, e.item_id);
    last = std::max(last, e.item_id);
  }
  const auto& hourly = r.rows("buys_per_category_hour");
  REQUIRE(hourly.size() == per_hour.size());
  for (const auto& row : hourly)
    CHECK(row[2].as_bigint()
          == per_hour[{row[0].as_millis(), row[1].as_string()}]);
  const auto& daily = r.rows("clothing_buys_per_day");
  REQUIRE(daily.size() == clothing.size());
  REQUIRE_FALSE(daily.empty());
  for (const auto& row : daily) {
    const auto& [buys, first, last] = clothing[row[0].as_millis()];
    CHECK(row[1].as_bigint() == buys);
    CHECK(row[2].as_bigint() == first);
    CHECK(row[3].as_bigint() == last);
  }
}

TEST_CASE("4: visitors over the last hour, every 5 minutes") {
  const auto& r = run_examples();
  const auto& rows = r.rows("uv_last_hour");
  // Two days of events: windows ending every 5 minutes from the first
  // event's step to an hour after the last one.
  REQUIRE(rows.size() >= 2 * 24 * 12);
  for (const auto& row : rows) {
    const int64_t start = row[0].as_millis();
    const int64_t end = row[1].as_millis();
    CHECK(end - start == hour);
    std::set<int64_t> users;
    for (const auto& e : r.events)
      if (e.ts >= start && e.ts < end)
        users.insert(e.user_id);
    CHECK(row[2].as_bigint() == static_cast<int64_t>(users.size()));
  }
}

TEST_CASE("5, 7 and 8: distinct buyers and interested users") {
  const auto& r = run_examples();
  std::map<std::string, std::set<int64_t>> buyers_by_day;
  std::map<std::string, int64_t> buys_by_day;
  std::map<int64_t, std::set<int64_t>> buyers_by_category;
  std::map<std::string, std::set<int64_t>> interested;
  for (const auto& e : r.events) {
    if (e.kind == behavior::buy) {
      buyers_by_day[format_date(e.ts)].insert(e.user_id);
      ++buys_by_day[format_date(e.ts)];
      buyers_by_category[e.category_id].insert(e.user_id);
    }
    if (e.kind == behavior::cart || e.kind == behavior::fav)
      interested[format_sql_time(align(e.ts, 10 * minute) + 10 * minute)]
        .insert(e.user_id);
  }
  const auto& days = r.rows("buyers_per_day");
  REQUIRE(days.size() == 2);
  for (const auto& row : days) {
    CHECK(row[1].as_bigint()
          == static_cast<int64_t>(buyers_by_day[row[0].as_string()].size()));
    CHECK(row[2].as_bigint() == buys_by_day[row[0].as_string()]);
  }
  const auto& categories = r.rows("buyers_per_category");
  REQUIRE(categories.size() == buyers_by_category.size());
  for (const auto& row : categories)
    CHECK(row[1].as_bigint()
          == static_cast<int64_t>(
            buyers_by_category[row[0].as_bigint()].size()));
  const auto& ten = r.rows("interested_per_10min");
  REQUIRE(ten.size() == interested.size());
  for (const auto& row : ten)
    CHECK(row[1].as_bigint()
          == static_cast<int64_t>(interested[row[0].as_string()].size()));
}

TEST_CASE("6 and 9: an item range per hour, the funnel per hour") {
  const auto& r = run_examples();
  std::map<int64_t, int64_t> in_range;
  std::map<int64_t, std::array<int64_t, 4>> funnel;
  for (const auto& e : r.events) {
    if (e.item_id >= 100000 && e.item_id <= 199999 && e.kind != behavior::pv)
      ++in_range[align(e.ts, hour)];
    funnel[align(e.ts, hour)][static_cast<size_t>(e.kind)] += 1;
  }
  const auto& range = r.rows("item_range_per_hour");
  REQUIRE(range.size() == in_range.size());
  for (const auto& row : range)
    CHECK(row[1].as_bigint() == in_range[row[0].as_millis()]);
  const auto& hours = r.rows("funnel_per_hour");
  REQUIRE(hours.size() == funnel.size());
  for (const auto& row : hours) {
    // (date_str, hour_of_day, views, carts, favs, buys)
    const int64_t date = row[0].as_string() == format_date(first_day)
                           ? first_day
                           : first_day + day;
    const int64_t start = date + row[1].as_bigint() * hour;
    const auto& f = funnel[start];
    CHECK(row[2].as_bigint() == f[static_cast<size_t>(behavior::pv)]);
    CHECK(row[3].as_bigint() == f[static_cast<size_t>(behavior::cart)]);
    CHECK(row[4].as_bigint() == f[static_cast<size_t>(behavior::fav)]);
    CHECK(row[5].as_bigint() == f[static_cast<size_t>(behavior::buy)]);
  }
}

} // TEST_SUITE
