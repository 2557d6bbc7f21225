// Window assignment: TUMBLE, HOP and CUMULATE at their boundaries (an
// event at a window's end belongs to the next window), aligned as today's
// engine aligns jobs/taobao.sql's windows (local millis in the job zone),
// and TIMESTAMP_LTZ windows aligned to the zone's midnight.

#include "common/sql/exec/sql_window_assigner.hpp"
#include "tests/unit/sql/exec/exec_test_support.hpp"

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

bound_window window_of(const std::string& statement) {
  auto insert = bound_insert_of(statement);
  REQUIRE(insert.query.window.has_value());
  return *insert.query.window;
}

bound_window tumble(const std::string& size) {
  return window_of("INSERT INTO per_window SELECT TUMBLE_START(ts, " + size + "), TUMBLE_END(ts, "
                   + size + "), COUNT(*) FROM ub GROUP BY TUMBLE(ts, " + size + ");");
}

std::string show(const std::vector<sql_window>& windows) {
  std::string out;
  for (const auto& w : windows)
    out += "[" + format_sql_time(w.start).substr(11, 5) + ", "
           + format_sql_time(w.end).substr(11, 5) + ")";
  return out;
}

} // namespace

TEST_SUITE("sql.exec.windows") {

TEST_CASE("TUMBLE: one window; an event at its end is in the next") {
  const sql_window_assigner hour{tumble("INTERVAL '1' HOUR"), zone_named("Asia/Shanghai")};
  CHECK_FALSE(hour.instants());
  const int64_t ten = at_local(2017, 11, 26, 10);
  CHECK(hour.windows_of(ten) == std::vector<sql_window>{{ten, ten + ms_per_hour}});
  CHECK(hour.windows_of(ten + ms_per_hour - 1)
        == std::vector<sql_window>{{ten, ten + ms_per_hour}});
  CHECK(hour.windows_of(ten + ms_per_hour)
        == std::vector<sql_window>{{ten + ms_per_hour, ten + 2 * ms_per_hour}});
  CHECK(hour.windows_of(ten - 1) == std::vector<sql_window>{{ten - ms_per_hour, ten}});
  CHECK(sql_window{ten, ten + ms_per_hour}.max_timestamp() == ten + ms_per_hour - 1);
  // Before the epoch too (floor, not truncation).
  CHECK(hour.windows_of(-1) == std::vector<sql_window>{{-ms_per_hour, 0}});
}

TEST_CASE("TUMBLE on TIMESTAMP: days start at the value's own midnight, in any zone") {
  // ts is local millis in the job zone (docs/semantics.md), as today's
  // engine aligns with align_down(ts, size): the zone is not consulted.
  const int64_t t = at_local(2017, 11, 26, 0, 30);
  for (const char* zone : {"Asia/Shanghai", "UTC", "America/New_York"}) {
    const sql_window_assigner day{tumble("INTERVAL '1' DAY"), zone_named(zone)};
    CHECK(day.windows_of(t)
          == std::vector<sql_window>{{at_local(2017, 11, 26), at_local(2017, 11, 27)}});
    const sql_window_assigner ten{tumble("INTERVAL '10' MINUTE"), zone_named(zone)};
    CHECK(ten.windows_of(t) == std::vector<sql_window>{{t, t + 10 * ms_per_minute}});
  }
}

TEST_CASE("TUMBLE on TIMESTAMP_LTZ (proctime): aligned to the zone's midnight") {
  auto insert = bound_insert_of(
    "INSERT INTO per_window SELECT CAST(TUMBLE_START(proctime, INTERVAL '1' DAY) AS "
    "TIMESTAMP(3)), CAST(TUMBLE_END(proctime, INTERVAL '1' DAY) AS TIMESTAMP(3)), COUNT(*) "
    "FROM ub GROUP BY TUMBLE(proctime, INTERVAL '1' DAY);");
  const bound_window window = *insert.query.window;
  const int64_t instant = 1511656200000; // 2017-11-26 00:30 UTC = 08:30 in Shanghai
  const sql_window_assigner shanghai{window, zone_named("Asia/Shanghai")};
  CHECK(shanghai.instants());
  // Shanghai's day 2017-11-26 runs from 2017-11-25 16:00 UTC.
  CHECK(shanghai.windows_of(instant)
        == std::vector<sql_window>{{1511625600000, 1511625600000 + ms_per_day}});
  const sql_window_assigner utc{window, zone_named("UTC")};
  CHECK(utc.windows_of(instant)
        == std::vector<sql_window>{{1511654400000, 1511654400000 + ms_per_day}});
  // The bounds are TIMESTAMP_LTZ values, shown in the zone as local time.
  const sql_row_evaluator evaluator{zone_named("Asia/Shanghai")};
  const sql_window w = shanghai.windows_of(instant).front();
  const sql_row counts{sql_value::bigint(1)};
  const sql_aggregate_row row{nullptr, &counts, &w};
  CHECK(evaluator.evaluate(insert.query.outputs[0].value, row).value.to_text()
        == "TIMESTAMP '2017-11-26 00:00:00.000'");
}

TEST_CASE("HOP: size / slide windows, latest start at or before the event") {
  const auto window = window_of(
    "INSERT INTO per_window SELECT HOP_START(ts, INTERVAL '5' MINUTE, INTERVAL '15' MINUTE), "
    "HOP_END(ts, INTERVAL '5' MINUTE, INTERVAL '15' MINUTE), COUNT(*) FROM ub "
    "GROUP BY HOP(ts, INTERVAL '5' MINUTE, INTERVAL '15' MINUTE);");
  const sql_window_assigner hop{window, zone_named("Asia/Shanghai")};
  CHECK(show(hop.windows_of(at_local(2017, 11, 26, 10, 7)))
        == "[09:55, 10:10)[10:00, 10:15)[10:05, 10:20)");
  // Exactly at 10:10: [09:55, 10:10) has ended, [10:10, 10:25) begins.
  CHECK(show(hop.windows_of(at_local(2017, 11, 26, 10, 10)))
        == "[10:00, 10:15)[10:05, 10:20)[10:10, 10:25)");
  CHECK(show(hop.windows_of(at_local(2017, 11, 26, 10, 9, 59, 999)))
        == "[09:55, 10:10)[10:00, 10:15)[10:05, 10:20)");
}

TEST_CASE("CUMULATE: every step window of the day whose end is after the event") {
  // jobs/taobao.sql's cumulative_uv_daily: 10-minute steps up to a day.
  auto script = bound_after_prelude(
    "INSERT INTO per_window SELECT window_start, window_end, COUNT(DISTINCT user_id) FROM "
    "TABLE(CUMULATE(TABLE ub, DESCRIPTOR(ts), INTERVAL '10' MINUTE, INTERVAL '1' DAY)) "
    "GROUP BY window_start, window_end;");
  const bound_window window = *script.inserts.at(0).query.window;
  const sql_window_assigner cumulate{window, zone_named("Asia/Shanghai")};
  CHECK(cumulate.kind() == window_kind::cumulate);
  const int64_t day = at_local(2017, 11, 26);
  // 23:55 belongs to the day's last step only.
  auto last = cumulate.windows_of(at_local(2017, 11, 26, 23, 55));
  CHECK(last == std::vector<sql_window>{{day, day + ms_per_day}});
  // 00:00 exactly: all 144 steps of the day, [00:00, 00:10) the first.
  auto all = cumulate.windows_of(day);
  REQUIRE(all.size() == 144);
  CHECK(all.front() == sql_window{day, day + 10 * ms_per_minute});
  CHECK(all.back() == sql_window{day, day + ms_per_day});
  // 10:10 exactly: not in [00:00, 10:10), first in [00:00, 10:20).
  auto morning = cumulate.windows_of(at_local(2017, 11, 26, 10, 10));
  CHECK(morning.size() == 83); // ends 10:20 .. 24:00
  CHECK(morning.front() == sql_window{day, at_local(2017, 11, 26, 10, 20)});
  auto before = cumulate.windows_of(at_local(2017, 11, 26, 10, 9, 59, 999));
  CHECK(before.size() == 84);
  CHECK(before.front() == sql_window{day, at_local(2017, 11, 26, 10, 10)});
  // Midnight starts the next day: nothing of the previous one.
  CHECK(cumulate.windows_of(day + ms_per_day).front().start == day + ms_per_day);
  CHECK(cumulate.period_start(at_local(2017, 11, 26, 23, 59)) == day);
}

} // TEST_SUITE
