// The batch executor (common/sql/exec/sql_batch_executor): planned
// queries over in-memory rows, with values worked out by hand.

#include "common/sql/exec/sql_batch_executor.hpp"
#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/sql_planner.hpp"
#include "tests/unit/sql/binder_test_support.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

constexpr int64_t day = 1511654400000; // 2017-11-26 00:00:00 (local)
constexpr int64_t minute = 60000;
constexpr int64_t hour = 60 * minute;

/// A row of the prelude's `ub`: user, item, category, behavior, ts.
sql_row event(int64_t user, int64_t category, const char* behavior,
              int64_t ts) {
  return {sql_value::bigint(user), sql_value::bigint(100 + user),
          sql_value::bigint(category), sql_value::string(behavior),
          sql_value::timestamp(ts)};
}

struct run_result {
  bound_script script;
  sql_batch_result batch;

  /// The rows written to `table`, as text.
  std::vector<std::string> rows(const std::string& table) const {
    std::vector<std::string> out;
    for (const auto& sink : batch.sinks) {
      if (script.tables[sink.table].name != table)
        continue;
      for (const auto& row : sink.rows) {
        std::string line;
        for (const auto& v : row)
          line += (line.empty() ? "" : " | ") + v.to_text();
        out.push_back(line);
      }
    }
    return out;
  }
};

run_result run(const std::string& statements, std::vector<sql_row> events,
               std::vector<sql_row> categories = {}) {
  run_result r;
  r.script = bound_after_prelude(statements);
  auto planned = plan_script(r.script);
  REQUIRE_MESSAGE(planned.ok(), planned.error->to_string());
  sql_batch_input input;
  input.tables[0] = std::move(events);     // ub
  input.tables[1] = std::move(categories); // dim
  r.batch = run_batch(r.script, planned.plan, input, time_zone::utc());
  return r;
}

} // namespace

TEST_SUITE("sql.exec.batch") {

TEST_CASE("buys per hour: a filter, a tumbling window, COUNT(*)") {
  auto r = run(
    "INSERT INTO per_window SELECT TUMBLE_START(ts, INTERVAL '1' HOUR), "
    "TUMBLE_END(ts, INTERVAL '1' HOUR), COUNT(*) FROM ub "
    "WHERE behavior = 'buy' GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);",
    {event(1, 7, "buy", day + 5 * minute), event(2, 7, "pv", day + 6 * minute),
     event(3, 8, "buy", day + 59 * minute), event(1, 7, "buy", day + hour),
     event(4, 9, "buy", day + 3 * hour + 1)});
  CHECK(r.batch.rows_rejected == 0);
  CHECK(r.rows("per_window")
        == std::vector<std::string>{
          "TIMESTAMP '2017-11-26 00:00:00.000' | TIMESTAMP '2017-11-26 "
          "01:00:00.000' | 2",
          "TIMESTAMP '2017-11-26 01:00:00.000' | TIMESTAMP '2017-11-26 "
          "02:00:00.000' | 1",
          "TIMESTAMP '2017-11-26 03:00:00.000' | TIMESTAMP '2017-11-26 "
          "04:00:00.000' | 1"});
}

TEST_CASE("exact distinct users per 10 minutes and day-to-date") {
  const std::vector<sql_row> events{
    event(1, 7, "pv", day + 1 * minute), event(1, 7, "pv", day + 2 * minute),
    event(2, 7, "pv", day + 3 * minute), event(1, 7, "buy", day + 12 * minute),
    event(3, 7, "pv", day + 15 * minute)};
  auto tumbling = run(
    "INSERT INTO per_window SELECT window_start, window_end, "
    "COUNT(DISTINCT user_id) FROM TABLE(TUMBLE(TABLE ub, DESCRIPTOR(ts), "
    "INTERVAL '10' MINUTE)) GROUP BY window_start, window_end;",
    events);
  CHECK(tumbling.rows("per_window")
        == std::vector<std::string>{
          "TIMESTAMP '2017-11-26 00:00:00.000' | TIMESTAMP '2017-11-26 "
          "00:10:00.000' | 2",
          "TIMESTAMP '2017-11-26 00:10:00.000' | TIMESTAMP '2017-11-26 "
          "00:20:00.000' | 2"});
  auto cumulative = run(
    "INSERT INTO per_window SELECT window_start, window_end, "
    "COUNT(DISTINCT user_id) FROM TABLE(CUMULATE(TABLE ub, DESCRIPTOR(ts), "
    "INTERVAL '10' MINUTE, INTERVAL '1' DAY)) GROUP BY window_start, "
    "window_end;",
    events);
  const auto rows = cumulative.rows("per_window");
  // Every 10-minute step of the day that holds an event so far: 144 steps.
  REQUIRE(rows.size() == 144);
  CHECK(rows[0] == "TIMESTAMP '2017-11-26 00:00:00.000' | TIMESTAMP "
                   "'2017-11-26 00:10:00.000' | 2");
  CHECK(rows[1] == "TIMESTAMP '2017-11-26 00:00:00.000' | TIMESTAMP "
                   "'2017-11-26 00:20:00.000' | 3");
  CHECK(rows[143] == "TIMESTAMP '2017-11-26 00:00:00.000' | TIMESTAMP "
                     "'2017-11-27 00:00:00.000' | 3");
}

TEST_CASE("a lookup join and a running count, upserted by the sink's key") {
  auto r = run(
    "CREATE VIEW rich AS SELECT U.behavior, CASE WHEN "
    "C.parent_category_name IS NULL THEN 'unknown' ELSE "
    "C.parent_category_name END AS k FROM ub AS U LEFT JOIN dim FOR "
    "SYSTEM_TIME AS OF U.proctime AS C ON U.category_id = "
    "C.sub_category_id;\n"
    "INSERT INTO per_key SELECT k, COUNT(*) FROM rich WHERE behavior = "
    "'buy' GROUP BY k;",
    {event(1, 7, "buy", day), event(2, 8, "buy", day + 1),
     event(3, 7, "buy", day + 2), event(4, 99, "buy", day + 3),
     event(5, 7, "pv", day + 4)},
    {{sql_value::bigint(7), sql_value::string("books")},
     {sql_value::bigint(8), sql_value::string("toys")}});
  CHECK(r.rows("per_key")
        == std::vector<std::string>{"'books' | 2", "'toys' | 1",
                                    "'unknown' | 1"});
}

TEST_CASE("a row whose expression fails is rejected and counted") {
  auto r = run("INSERT INTO per_key SELECT behavior, SUM(10 / (user_id - 2)) "
               "FROM ub GROUP BY behavior;",
               {event(1, 7, "pv", day), event(2, 7, "pv", day),
                event(3, 7, "pv", day)});
  CHECK(r.batch.rows_rejected == 1);
  REQUIRE(r.batch.first_errors.size() == 1);
  CHECK(r.batch.first_errors[0].find("division by zero") != std::string::npos);
  // 10 / -1 + 10 / 1
  CHECK(r.rows("per_key") == std::vector<std::string>{"'pv' | 0"});
}

TEST_CASE("a partial of a window already fired is dropped and counted") {
  const auto script = bound_after_prelude(
    "INSERT INTO per_window SELECT TUMBLE_START(ts, INTERVAL '1' HOUR), "
    "TUMBLE_END(ts, INTERVAL '1' HOUR), COUNT(*) FROM ub "
    "GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);");
  auto planned = plan_script(script);
  REQUIRE(planned.ok());
  const auto& query = planned.plan.queries[0];
  const sql_row_evaluator evaluator{time_zone::utc()};
  sql_group_aggregator source{query, evaluator, [](const std::string&) {}};
  sql_group_aggregator owner{query, evaluator, [](const std::string&) {}};
  auto add = [&](int64_t ts) {
    const auto row = event(1, 7, "pv", ts);
    std::vector<sql_row> relations{row};
    relations[0].push_back(sql_value::timestamp_ltz(0)); // proctime
    source.add(relations);
    for (auto& p : source.take_partials())
      owner.merge(std::move(p));
  };
  add(day + 10 * minute);
  add(day + 20 * minute);
  auto fired = owner.fire(day + hour - 1); // the first hour ends
  REQUIRE(fired.size() == 1);
  CHECK(fired[0][2].as_bigint() == 2);
  add(day + 30 * minute); // late: its hour has fired
  add(day + hour + 5);
  CHECK(owner.late_partials() == 1);
  auto rest = owner.finish();
  REQUIRE(rest.size() == 1); // only the second hour; the first never again
  CHECK(rest[0][0].as_millis() == day + hour);
  CHECK(rest[0][2].as_bigint() == 1);
}

} // TEST_SUITE
