// jobs/taobao.sql run by the SQL batch executor gives exactly what the
// built-in job's batch oracle (tools/verify/oracle) computes for the same
// two simulated days: buys per hour, exact UV per 10 minutes, day-to-date
// UV at every step, the running category ranking after the lookup join.
// This pins the SQL path's semantics (windows, alignment in the job's
// zone, distinct counts, the LEFT lookup with 'unknown') to today's.

#include "common/config/job_options.hpp"
#include "common/sql/exec/sql_batch_executor.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"
#include "common/time/civil.hpp"
#include "tests/unit/sql/exec/batch_test_support.hpp"
#include "tests/unit/support/temp_dir.hpp"
#include "tools/datagen/message_writer.hpp"
#include "tools/verify/oracle.hpp"
#include "worker/job_config_loader.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace ubaflow;

using namespace ubaflow::test;

TEST_SUITE("sql.exec.taobao") {

TEST_CASE("jobs/taobao.sql in batch equals the built-in job's oracle") {
  test::temp_dir dir;
  const std::string input = (dir.path() / "events.jsonl").string();
  const std::string categories = UBAFLOW_SOURCE_DIR "/data/category.csv";
  auto zone = time_zone::load("Asia/Shanghai");
  REQUIRE(zone);

  // Two simulated days, written for the oracle and kept as SQL rows.
  std::vector<sql_row> events;
  {
    message_writer writer{*zone, ts_shape::sql, false};
    std::ofstream out{input};
    std::string line;
    for (const auto& e : simulated_days(60'000, 20'000, 7)) {
      writer.json(e, line);
      out << line << '\n';
      events.push_back(behaviour_row(e));
    }
  }

  // The built-in job's oracle.
  auto resolved = resolve_settings(
    job_options(),
    {"--source.type", "file", "--source.files", input, "--lookup.source", "csv",
     "--lookup.csv-path", categories},
    [](const std::string&) { return std::optional<std::string>{}; });
  REQUIRE_MESSAGE(resolved.values, resolved.error);
  std::string error;
  auto config = load_job_config(*resolved.values, error);
  REQUIRE_MESSAGE(config, error);
  config->windows.enabled.fill(true);
  oracle_settings oracle;
  oracle.partitioner = oracle_partitioner::file;
  expected_results expected;
  REQUIRE_MESSAGE(compute_expected(*config, oracle, {input}, expected, error),
                  error);
  REQUIRE(expected.records == events.size());
  // In time order on one partition: nothing is late.
  REQUIRE(expected.late_hourly + expected.late_uv + expected.late_daily == 0);

  // The SQL path.
  const auto bound = bind_sql(read_text_file(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql"));
  REQUIRE_MESSAGE(bound.ok(), bound.error->to_string());
  const auto planned = plan_script(bound.script);
  REQUIRE(planned.ok());
  const auto& script = bound.script;
  REQUIRE(script.tables[0].name == "user_behavior");
  REQUIRE(script.tables[1].name == "category_dim");
  sql_batch_input batch;
  batch.tables[0] = std::move(events);
  batch.tables[1] = category_rows(categories);
  const auto result = run_batch(script, planned.plan, batch, *zone);
  CHECK(result.rows_rejected == 0);

  // buy_cnt_per_hour: (hour_of_day, buy_cnt, event_time, ...)
  std::map<event_time, int64_t> hourly;
  for (const auto& row : sink_rows(script, result, "buy_cnt_per_hour")) {
    hourly[row[2].as_millis()] = row[1].as_bigint();
    CHECK(row[0].as_bigint() == to_civil(row[2].as_millis()).hour);
  }
  CHECK(hourly == expected.hourly_buys);
  CHECK(hourly.size() == 48);

  // cumulative_uv: (time_str = window end, uv, ...)
  std::map<std::string, int64_t> uv;
  for (const auto& row : sink_rows(script, result, "cumulative_uv"))
    uv[row[0].as_string()] = row[1].as_bigint();
  std::map<std::string, int64_t> expected_uv;
  for (const auto& [start, users] : expected.uv)
    expected_uv[format_sql_time(start + 10 * 60000)] = users;
  CHECK(uv == expected_uv);
  CHECK(uv.size() == 288);

  // cumulative_uv_daily: (date_str, time_str = step end, uv, ...)
  std::map<std::string, int64_t> daily;
  for (const auto& row : sink_rows(script, result, "cumulative_uv_daily"))
    daily[row[0].as_string() + " " + row[1].as_string()] = row[2].as_bigint();
  std::map<std::string, int64_t> expected_daily;
  for (const auto& [day_start, steps] : expected.daily)
    for (const auto& [end, users] : steps)
      expected_daily[format_date(day_start) + " " + format_sql_time(end)]
        = users;
  CHECK(daily == expected_daily);

  // top_category: (category_name, buy_cnt)
  std::map<std::string, int64_t> categories_seen;
  for (const auto& row : sink_rows(script, result, "top_category"))
    categories_seen[row[0].as_string()] = row[1].as_bigint();
  CHECK(categories_seen == expected.category_buys);
  CHECK(categories_seen.size() > 5);
  if (const char* golden = std::getenv("UBAFLOW_WRITE_GOLDEN")) {
    std::ofstream out{golden};
    for (const auto& [k, v] : expected.hourly_buys) out << "hourly\t" << k << "\t" << v << "\n";
    for (const auto& [k, v] : expected_uv) out << "uv\t" << k << "\t" << v << "\n";
    for (const auto& [k, v] : expected_daily) out << "daily\t" << k << "\t" << v << "\n";
    for (const auto& [k, v] : expected.category_buys) out << "category\t" << k << "\t" << v << "\n";
  }
}

} // TEST_SUITE
