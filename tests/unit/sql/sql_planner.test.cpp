// The planner (common/sql/sql_planner) and `ubaflow sql`'s explanation
// (common/sql/sql_explain): every INSERT onto the distributed shape, the
// routing, state and combiner each query gets, and what it refuses.

#include "common/sql/sql_explain.hpp"
#include "common/sql/sql_planner.hpp"
#include "tests/unit/sql/binder_test_support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

sql_plan planned(const std::string& statements) {
  const auto script = bound_after_prelude(statements);
  auto result = plan_script(script);
  REQUIRE_MESSAGE(result.ok(), statements, ": ", result.error->to_string());
  return result.plan;
}

std::string plan_error(const std::string& statements) {
  const auto script = bound_after_prelude(statements);
  auto result = plan_script(script);
  REQUIRE_MESSAGE(!result.ok(), "planned: ", statements);
  CHECK(result.plan.queries.empty());
  return result.error->to_string();
}

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  REQUIRE_MESSAGE(in.good(), "cannot read ", path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_SUITE("sql.planner") {

TEST_CASE("a keyed window aggregate routes by its keys") {
  auto plan = planned(
    "INSERT INTO per_key SELECT behavior, COUNT(*) FROM ub "
    "GROUP BY behavior;");
  REQUIRE(plan.queries.size() == 1);
  const auto& q = plan.queries[0];
  CHECK(q.aggregated);
  CHECK_FALSE(q.window);
  CHECK(q.routing == sql_routing::group_keys);
  CHECK(q.state == sql_state_kind::running_aggregates);
  CHECK(q.updating);
  CHECK_FALSE(q.combiner);
  REQUIRE(q.group_keys.size() == 1);
  CHECK(expression_text(q.group_keys[0]) == "behavior");
  REQUIRE(q.rows.size() == 1);
  CHECK(q.rows[0].outputs.empty()); // the aggregating query's own FROM side
}

TEST_CASE("a keyless window routes by window; a distinct count by value") {
  auto plan = planned(
    "INSERT INTO per_window SELECT TUMBLE_START(ts, INTERVAL '1' HOUR), "
    "TUMBLE_END(ts, INTERVAL '1' HOUR), COUNT(*) FROM ub "
    "WHERE behavior = 'buy' GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);\n"
    "INSERT INTO per_window SELECT window_start, window_end, "
    "COUNT(DISTINCT user_id) FROM TABLE(TUMBLE(TABLE ub, DESCRIPTOR(ts), "
    "INTERVAL '10' MINUTE)) GROUP BY window_start, window_end;\n"
    "INSERT INTO per_window SELECT window_start, window_end, "
    "COUNT(DISTINCT behavior) FROM TABLE(HOP(TABLE ub, DESCRIPTOR(ts), "
    "INTERVAL '5' MINUTE, INTERVAL '1' HOUR)) GROUP BY window_start, "
    "window_end;\n"
    "INSERT INTO per_window SELECT window_start, window_end, "
    "COUNT(DISTINCT user_id) + COUNT(*) FROM TABLE(TUMBLE(TABLE ub, "
    "DESCRIPTOR(ts), INTERVAL '10' MINUTE)) GROUP BY window_start, "
    "window_end;");
  REQUIRE(plan.queries.size() == 4);
  // All four share one read of ub.
  REQUIRE(plan.sources.size() == 1);
  CHECK(plan.sources[0].queries == std::vector<uint32_t>{0, 1, 2, 3});

  const auto& buys = plan.queries[0];
  CHECK(buys.routing == sql_routing::window);
  CHECK(buys.state == sql_state_kind::window_aggregates);
  CHECK(buys.distinct == sql_distinct_storage::none);
  REQUIRE(buys.window);
  CHECK(buys.window->size_ms == 3600000);
  // A filter of the FROM row alone is checked first.
  CHECK_FALSE(buys.rows.back().where);
  REQUIRE(buys.rows.back().before_joins);
  CHECK(expression_text(*buys.rows.back().before_joins) == "behavior = 'buy'");

  const auto& uv = plan.queries[1];
  CHECK(uv.routing == sql_routing::distinct_value);
  CHECK(uv.combiner);
  CHECK(uv.distinct == sql_distinct_storage::roaring_bitmap);

  const auto& behaviours = plan.queries[2];
  CHECK(behaviours.routing == sql_routing::distinct_value);
  CHECK(behaviours.distinct == sql_distinct_storage::hash_set); // a STRING
  REQUIRE(behaviours.window);
  CHECK(behaviours.window->kind == window_kind::hop);
  CHECK(behaviours.window->step_ms == 300000);

  // A distinct count beside another aggregate cannot be split by value.
  const auto& mixed = plan.queries[3];
  CHECK(mixed.routing == sql_routing::window);
  CHECK_FALSE(mixed.combiner);
  CHECK(mixed.distinct == sql_distinct_storage::roaring_bitmap);
}

TEST_CASE("views are inlined: rows below the aggregation, results above") {
  auto plan = planned(
    "CREATE VIEW buys AS SELECT U.user_id, U.behavior, "
    "C.parent_category_name AS k FROM ub AS U LEFT JOIN dim FOR SYSTEM_TIME "
    "AS OF U.proctime AS C ON U.category_id = C.sub_category_id "
    "WHERE U.behavior = 'buy';\n"
    "CREATE VIEW per_ten AS SELECT TUMBLE_START(ts, INTERVAL '10' MINUTE) AS "
    "ws, TUMBLE_END(ts, INTERVAL '10' MINUTE) AS we, COUNT(*) AS n FROM ub "
    "GROUP BY TUMBLE(ts, INTERVAL '10' MINUTE);\n"
    "INSERT INTO per_key SELECT k, COUNT(*) FROM buys GROUP BY k;\n"
    "INSERT INTO per_window SELECT ws, we, n * 2 FROM per_ten;");
  REQUIRE(plan.queries.size() == 2);
  const auto& by_category = plan.queries[0];
  REQUIRE(by_category.rows.size() == 2);
  CHECK(by_category.rows[0].name == "buys");
  CHECK(by_category.rows[0].joins.size() == 1);
  CHECK_FALSE(by_category.rows[0].outputs.empty());
  CHECK(by_category.rows[1].name == "per_key");
  CHECK(by_category.results.empty());

  const auto& doubled = plan.queries[1];
  REQUIRE(doubled.rows.size() == 1);
  CHECK(doubled.rows[0].name == "per_ten");
  REQUIRE(doubled.results.size() == 1);
  CHECK(doubled.results[0].name == "per_window");
  CHECK(expression_text(doubled.results[0].outputs[2].value) == "n * 2");
}

TEST_CASE("a query without aggregates is a row pipeline") {
  auto plan = planned(
    "CREATE TABLE copy (user_id BIGINT, behavior STRING) WITH ("
    "'connector' = 'elasticsearch-7', 'hosts' = 'http://es:9200', "
    "'index' = 'copy');\n"
    "INSERT INTO copy SELECT user_id, behavior FROM ub WHERE item_id "
    "BETWEEN 100 AND 200;");
  REQUIRE(plan.queries.size() == 1);
  CHECK_FALSE(plan.queries[0].aggregated);
  CHECK_FALSE(plan.queries[0].updating);
  CHECK(plan.queries[0].results.empty());
  REQUIRE(plan.queries[0].rows[0].before_joins);
  CHECK(expression_text(*plan.queries[0].rows[0].before_joins)
        == "item_id BETWEEN 100 AND 200");
}

TEST_CASE("filters move in front of the lookups and down through views") {
  auto plan = planned(
    "CREATE VIEW rich AS SELECT U.user_id, U.behavior, U.item_id + 1 AS "
    "next_item, U.item_id / 2 AS half, C.parent_category_name AS k FROM ub "
    "AS U LEFT JOIN dim FOR SYSTEM_TIME AS OF U.proctime AS C ON "
    "U.category_id = C.sub_category_id WHERE U.user_id > 10 AND "
    "C.parent_category_name <> 'x';\n"
    "INSERT INTO per_key SELECT k, COUNT(*) FROM rich WHERE behavior = "
    "'buy' AND next_item < 100 AND k LIKE 'a%' AND half > 3 AND user_id / "
    "0 = 1 GROUP BY k;");
  REQUIRE(plan.queries.size() == 1);
  const auto& q = plan.queries[0];
  REQUIRE(q.rows.size() == 2);
  // Into the view, its columns replaced by what gives them, beside the
  // view's own filter of U.
  REQUIRE(q.rows[0].before_joins);
  CHECK(expression_text(*q.rows[0].before_joins)
        == "((behavior = 'buy') AND ((item_id + 1) < 100)) AND (user_id > 10)");
  // A lookup's column stays after the lookup.
  REQUIRE(q.rows[0].where);
  CHECK(expression_text(*q.rows[0].where) == "parent_category_name <> 'x'");
  // What reads the lookup (k), or what would divide (half), is checked
  // before the query's own filters but goes no further down; what can fail
  // stays where it was written.
  REQUIRE(q.rows[1].before_joins);
  CHECK(expression_text(*q.rows[1].before_joins)
        == "(k LIKE 'a%') AND (half > 3)");
  REQUIRE(q.rows[1].where);
  CHECK(expression_text(*q.rows[1].where) == "(user_id / 0) = 1");

  // The explanation says so.
  const auto script = bound_after_prelude(
    "CREATE VIEW rich AS SELECT U.behavior, C.parent_category_name AS k "
    "FROM ub AS U LEFT JOIN dim FOR SYSTEM_TIME AS OF U.proctime AS C ON "
    "U.category_id = C.sub_category_id;\n"
    "INSERT INTO per_key SELECT k, COUNT(*) FROM rich WHERE behavior = "
    "'buy' GROUP BY k;");
  auto explained = plan_script(script);
  REQUIRE(explained.ok());
  const auto text = explain_plan(script, explained.plan);
  CHECK_MESSAGE(text.find("where behavior = 'buy' (before the lookups)")
                  != std::string::npos,
                text);
}

TEST_CASE("an aggregate over an aggregating view is refused with its place") {
  const std::string view
    = "CREATE VIEW per_ten AS SELECT TUMBLE_START(ts, INTERVAL '10' MINUTE) "
      "AS ws, COUNT(*) AS n FROM ub GROUP BY TUMBLE(ts, INTERVAL '10' "
      "MINUTE);\n";
  const auto error = plan_error(
    view + "INSERT INTO per_key SELECT CAST(ws AS STRING), SUM(n) FROM "
           "per_ten GROUP BY CAST(ws AS STRING);");
  INFO(error);
  CHECK(error.find("line 12:21: a query over an aggregating view or subquery "
                   "(per_ten) cannot aggregate again")
        == 0);
  CHECK(error.find("hint: aggregate once") != std::string::npos);
}

TEST_CASE("a script without INSERT has nothing to run") {
  auto result = plan_script(bound_script{}); // the binder refuses it first
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->message.find("inserts into no table") != std::string::npos);
}

TEST_CASE("durations read as SQL writes them") {
  CHECK(duration_text(5000) == "5 SECOND");
  CHECK(duration_text(600000) == "10 MINUTE");
  CHECK(duration_text(3600000) == "1 HOUR");
  CHECK(duration_text(86400000) == "1 DAY");
  CHECK(duration_text(1500) == "1500 ms");
  CHECK(duration_text(0) == "0 ms");
}

TEST_CASE("jobs/taobao.sql: the four results on one read, as today's plan") {
  const auto bound = bind_sql(read_file(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql"));
  REQUIRE(bound.ok());
  auto result = plan_script(bound.script);
  REQUIRE(result.ok());
  const auto& plan = result.plan;
  REQUIRE(plan.sources.size() == 1);
  CHECK(bound.script.tables[plan.sources[0].table].name == "user_behavior");
  REQUIRE(plan.queries.size() == 4);
  auto sink = [&](size_t i) {
    return bound.script.tables[plan.queries[i].sink].name;
  };
  CHECK(sink(0) == "buy_cnt_per_hour");
  CHECK(plan.queries[0].routing == sql_routing::window);
  CHECK(sink(1) == "cumulative_uv");
  CHECK(plan.queries[1].combiner);
  CHECK(sink(2) == "cumulative_uv_daily");
  REQUIRE(plan.queries[2].window);
  CHECK(plan.queries[2].window->kind == window_kind::cumulate);
  CHECK(plan.queries[2].combiner);
  CHECK(sink(3) == "top_category");
  CHECK(plan.queries[3].routing == sql_routing::group_keys);
  CHECK(plan.queries[3].state == sql_state_kind::running_aggregates);

  const auto text = explain_plan(bound.script, plan);
  CHECK(text.find("job: 4 queries over 1 source") == 0);
  CHECK(text.find("source user_behavior (kafka topic 'user_behavior'), event "
                  "time ts, watermark 5 SECOND behind")
        != std::string::npos);
  CHECK(text.find("window      CUMULATE(ts, step 10 MINUTE, up to 1 DAY)")
        != std::string::npos);
  CHECK(text.find("lookup category_dim (jdbc table-name 'category') AS C ON "
                  "category_id = C.sub_category_id")
        != std::string::npos);
  CHECK(text.find("partial aggregates per window and key group of the "
                  "values, routed to key groups by distinct value")
        != std::string::npos);
  CHECK(text.find("one combiner adds the counts") != std::string::npos);
  // The password is an option of category_dim: never printed.
  CHECK(text.find("MYSQL_PASSWORD") == std::string::npos);
}

} // TEST_SUITE
