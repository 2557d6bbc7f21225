// jobs/taobao.sql run by the SQL batch executor gives exactly what the
// former hard-wired job's own batch oracle computed for the same two
// simulated days (golden/taobao_two_days.tsv, written by that oracle before
// it was removed): buys per hour, exact UV per 10 minutes, day-to-date UV
// at every step, the running category ranking after the lookup join. This
// pins the script's semantics (windows, alignment in the job's zone,
// distinct counts, the LEFT lookup with 'unknown') to an independent
// implementation's.

#include "common/sql/exec/sql_batch_executor.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"
#include "common/time/civil.hpp"
#include "tests/unit/sql/exec/batch_test_support.hpp"
#include "tests/unit/support/temp_dir.hpp"
#include "tools/datagen/message_writer.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace ubaflow;

using namespace ubaflow::test;

TEST_SUITE("sql.exec.taobao") {

namespace {

/// The golden file: "kind<TAB>key<TAB>value" lines.
struct golden_results {
  std::map<event_time, int64_t> hourly_buys;
  std::map<std::string, int64_t> uv;
  std::map<std::string, int64_t> daily;
  std::map<std::string, int64_t> category_buys;
};

golden_results read_golden(const std::string& path) {
  golden_results g;
  std::ifstream in{path};
  REQUIRE(in);
  std::string line;
  while (std::getline(in, line)) {
    const auto a = line.find('\t');
    const auto b = line.rfind('\t');
    REQUIRE(a != std::string::npos);
    REQUIRE(b > a);
    const auto kind = line.substr(0, a);
    const auto key = line.substr(a + 1, b - a - 1);
    const int64_t value = std::stoll(line.substr(b + 1));
    if (kind == "hourly")
      g.hourly_buys[std::stoll(key)] = value;
    else if (kind == "uv")
      g.uv[key] = value;
    else if (kind == "daily")
      g.daily[key] = value;
    else if (kind == "category")
      g.category_buys[key] = value;
    else
      FAIL("unknown line: " << line);
  }
  return g;
}

} // namespace

TEST_CASE("jobs/taobao.sql in batch equals the hard-wired job's recorded oracle") {
  const std::string categories = UBAFLOW_SOURCE_DIR "/data/category.csv";
  auto zone = time_zone::load("Asia/Shanghai");
  REQUIRE(zone);

  // Two simulated days, as SQL rows; what the former oracle read.
  std::vector<sql_row> events;
  for (const auto& e : simulated_days(60'000, 20'000, 7))
    events.push_back(behaviour_row(e));
  const auto expected
    = read_golden(UBAFLOW_SOURCE_DIR "/tests/unit/sql/exec/golden/taobao_two_days.tsv");

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
  CHECK(uv == expected.uv);
  CHECK(uv.size() == 288);

  // cumulative_uv_daily: (date_str, time_str = step end, uv, ...)
  std::map<std::string, int64_t> daily;
  for (const auto& row : sink_rows(script, result, "cumulative_uv_daily"))
    daily[row[0].as_string() + " " + row[1].as_string()] = row[2].as_bigint();
  CHECK(daily == expected.daily);

  // top_category: (category_name, buy_cnt)
  std::map<std::string, int64_t> categories_seen;
  for (const auto& row : sink_rows(script, result, "top_category"))
    categories_seen[row[0].as_string()] = row[1].as_bigint();
  CHECK(categories_seen == expected.category_buys);
  CHECK(categories_seen.size() > 5);
}

} // TEST_SUITE
