// Alike queries of a source share their pre-aggregation
// (common/sql/exec/sql_shared_ingestion): which queries qualify, and that a
// query taking another's rows gives the owners exactly what adding them
// itself gives, late rows and allowed lateness included.

#include "common/sql/exec/sql_keyed_state.hpp"
#include "common/sql/exec/sql_shared_ingestion.hpp"
#include "common/sql/exec/sql_source_state.hpp"
#include "common/sql/sql_planner.hpp"
#include "tests/unit/sql/exec/batch_test_support.hpp"
#include "tests/unit/sql/exec/exec_test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

sql_plan planned(const bound_script& script) {
  auto result = plan_script(script);
  REQUIRE_MESSAGE(result.ok(), "the script does not plan");
  return result.plan;
}

/// Whether the second of the two INSERTs after the prelude may take the
/// first one's rows.
bool second_shares(const std::string& first, const std::string& second) {
  const auto script = bound_after_prelude(first + second);
  const auto plan = planned(script);
  REQUIRE(plan.queries.size() == 2);
  return shares_ingestion(plan.queries[0], plan.queries[1]);
}

const std::string tumble_uv
  = "INSERT INTO per_window SELECT TUMBLE_START(ts, INTERVAL '10' MINUTE), "
    "TUMBLE_END(ts, INTERVAL '10' MINUTE), COUNT(DISTINCT user_id) FROM ub "
    "GROUP BY TUMBLE(ts, INTERVAL '10' MINUTE);\n";

std::string cumulate_uv(const std::string& step, const std::string& where = "",
                        const std::string& column = "user_id") {
  return "INSERT INTO per_window SELECT window_start, window_end, COUNT(DISTINCT "
         + column + ") FROM TABLE(CUMULATE(TABLE ub, DESCRIPTOR(ts), INTERVAL '"
         + step + "' MINUTE, INTERVAL '1' HOUR)) " + where
         + " GROUP BY window_start, window_end;\n";
}

} // namespace

TEST_SUITE("sql.exec.shared_ingestion") {

TEST_CASE("jobs/taobao.sql: the day-to-date UV takes the 10-minute UV's rows") {
  std::ifstream in{UBAFLOW_SOURCE_DIR "/jobs/taobao.sql"};
  std::stringstream text;
  text << in.rdbuf();
  auto bound = bind_sql(text.str());
  REQUIRE(bound.ok());
  const auto plan = planned(bound.script);
  std::map<std::string, size_t> by_sink;
  for (size_t q = 0; q < plan.queries.size(); ++q)
    by_sink[bound.script.tables.at(plan.queries[q].sink).name] = q;
  const auto& q = plan.queries;
  const auto uv = by_sink.at("cumulative_uv");
  const auto daily = by_sink.at("cumulative_uv_daily");
  CHECK(shares_ingestion(q[uv], q[daily]));
  CHECK_FALSE(shares_ingestion(q[daily], q[uv])); // a CUMULATE leads nothing
  for (const auto* other : {"buy_cnt_per_hour", "top_category"}) {
    CHECK_FALSE(shares_ingestion(q[uv], q[by_sink.at(other)]));
    CHECK_FALSE(shares_ingestion(q[by_sink.at(other)], q[daily]));
  }
}

TEST_CASE("only the same rows, keys and aggregates over windows that map one to one") {
  CHECK(second_shares(tumble_uv, cumulate_uv("10")));
  CHECK(second_shares(tumble_uv, tumble_uv));
  // Another step, column, condition or aggregate: each adds its own rows.
  CHECK_FALSE(second_shares(tumble_uv, cumulate_uv("5")));
  CHECK_FALSE(second_shares(tumble_uv, cumulate_uv("10", "", "item_id")));
  CHECK_FALSE(second_shares(tumble_uv, cumulate_uv("10", "WHERE behavior = 'buy'")));
  CHECK_FALSE(second_shares(
    tumble_uv,
    "INSERT INTO per_window SELECT TUMBLE_START(ts, INTERVAL '10' MINUTE), "
    "TUMBLE_END(ts, INTERVAL '10' MINUTE), COUNT(*) FROM ub "
    "GROUP BY TUMBLE(ts, INTERVAL '10' MINUTE);\n"));
  CHECK_FALSE(second_shares(
    tumble_uv,
    "INSERT INTO per_window SELECT window_start, window_end, COUNT(DISTINCT user_id) "
    "FROM TABLE(HOP(TABLE ub, DESCRIPTOR(ts), INTERVAL '10' MINUTE, INTERVAL '1' HOUR)) "
    "GROUP BY window_start, window_end;\n"));
  // A CUMULATE leads nothing; an instant's windows (PROCTIME) are not shared.
  CHECK_FALSE(second_shares(cumulate_uv("10"), tumble_uv));
  const std::string by_proctime
    = "INSERT INTO per_window SELECT CAST(TUMBLE_START(proctime, INTERVAL '10' MINUTE) "
      "AS TIMESTAMP(3)), CAST(TUMBLE_END(proctime, INTERVAL '10' MINUTE) AS TIMESTAMP(3)), "
      "COUNT(DISTINCT user_id) FROM ub "
      "GROUP BY TUMBLE(proctime, INTERVAL '10' MINUTE);\n";
  CHECK_FALSE(second_shares(by_proctime, by_proctime));
}

TEST_CASE("a query taking another's rows gives what adding them itself gives") {
  // Q0 leads, Q1 takes its rows, Q2 is Q1 with a condition that holds for
  // every row (so it adds its own): Q1's rows must be Q2's, exactly, with
  // disordered and late rows (a CUMULATE's late slice goes to the step
  // still open, where the rows Q1 takes go too). With an allowed lateness
  // (TUMBLE windows kept and updated) nothing is shared.
  // Keyed by behaviour, so that owners write the rows (a distinct count
  // without keys may be finished by a combiner instead).
  const std::string keyed_table
    = "CREATE TABLE per_behaviour (b STRING, ws TIMESTAMP(3), we TIMESTAMP(3), "
      "n BIGINT, v BIGINT) WITH ('connector' = 'elasticsearch-7', "
      "'hosts' = 'http://es:9200', 'index' = 'per_behaviour');\n";
  const std::string tumble
    = "INSERT INTO per_behaviour SELECT behavior, TUMBLE_START(ts, INTERVAL '10' MINUTE), "
      "TUMBLE_END(ts, INTERVAL '10' MINUTE), COUNT(*), COUNT(DISTINCT user_id) FROM ub "
      "GROUP BY TUMBLE(ts, INTERVAL '10' MINUTE), behavior;\n";
  auto cumulate = [](const std::string& where) {
    return "INSERT INTO per_behaviour SELECT behavior, window_start, window_end, "
           "COUNT(*), COUNT(DISTINCT user_id) FROM TABLE(CUMULATE(TABLE ub, "
           "DESCRIPTOR(ts), INTERVAL '10' MINUTE, INTERVAL '1' HOUR)) "
           + where + " GROUP BY window_start, window_end, behavior;\n";
  };
  const auto script = bound_after_prelude(keyed_table + tumble + cumulate("")
                                          + cumulate("WHERE user_id IS NOT NULL"));
  const auto plan = planned(script);
  REQUIRE(plan.queries.size() == 3);
  REQUIRE(shares_ingestion(plan.queries[0], plan.queries[1]));
  REQUIRE_FALSE(shares_ingestion(plan.queries[0], plan.queries[2]));
  const sql_row_evaluator evaluator{time_zone::utc()};
  const std::map<uint32_t, std::vector<sql_row>> no_dimensions;
  constexpr uint32_t key_groups = 16;
  const auto ranges = owner_ranges(2, key_groups);
  for (const int64_t lateness : {int64_t{0}, int64_t{15 * 60'000}}) {
    CAPTURE(lateness);
    sql_source_state source{script, plan, 0, 0, no_dimensions, evaluator, ranges,
                            key_groups};
    source.set_allowed_lateness(lateness);
    CHECK(source.queries_sharing_rows() == (lateness == 0 ? 1 : 0));
    std::vector<std::unique_ptr<sql_keyed_state>> owners;
    for (const auto& range : ranges) {
      owners.push_back(std::make_unique<sql_keyed_state>(script, plan, evaluator,
                                                         range, key_groups, 1));
      owners.back()->set_allowed_lateness(lateness);
    }
    std::map<uint32_t, std::vector<sql_row>> written;
    auto keep = [&](std::vector<sql_sink_row> rows) {
      for (auto& row : rows)
        written[row.query].push_back(std::move(row.row));
    };
    auto exchange = [&] {
      auto batches = source.flush();
      for (size_t o = 0; o < owners.size(); ++o) {
        std::string error;
        REQUIRE_MESSAGE(owners[o]->take(batches[o], error), error);
        keep(owners[o]->emit());
      }
    };
    const int64_t day = at_local(2017, 11, 26);
    int64_t max_time = INT64_MIN;
    uint64_t late = 0;
    for (int i = 0; i < 6000; ++i) {
      // Mostly in order, every 7th row 12 minutes behind, every 50th an
      // hour behind; the watermark follows the latest time.
      int64_t t = day + static_cast<int64_t>(i) * 1'500;
      if (i % 7 == 3)
        t -= 12 * 60'000;
      if (i % 50 == 11)
        t -= 60 * 60'000;
      const int64_t watermark
        = max_time == INT64_MIN ? INT64_MIN : max_time - 5'000;
      late += t - 1 <= watermark ? 1 : 0;
      max_time = std::max(max_time, t);
      auto row = visit(i % 97, t).front();
      row[3] = sql_value::string(i % 3 == 0 ? "buy" : "pv");
      source.add(row, 0, watermark);
      if (i % 211 == 210)
        exchange();
    }
    exchange();
    for (auto& owner : owners) // the end of the input: everything fires
      keep(owner->finish());
    CHECK(late > 100); // the late paths ran
    auto sorted = [&](uint32_t q) {
      auto rows = written[q];
      std::sort(rows.begin(), rows.end(), row_less);
      return rows;
    };
    CHECK(sorted(1).size() > 30); // 2.5 hours of 10-minute steps, 2 behaviours
    CHECK(sorted(1) == sorted(2));
    CHECK(!written[0].empty());
  }
}

} // TEST_SUITE
