#include "tests/unit/sql/binder_test_support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

constexpr int64_t minute_ms = 60'000;
constexpr int64_t hour_ms = 60 * minute_ms;

std::string text_of(const bound_expression& e) { return canonical_text(e); }

} // namespace

TEST_SUITE("sql.binder.queries") {
  TEST_CASE("GROUP BY TUMBLE with TUMBLE_START and TUMBLE_END") {
    auto insert = bound_insert_of(
      "INSERT INTO per_window SELECT TUMBLE_START(ts, INTERVAL '1' HOUR), "
      "TUMBLE_END(ts, INTERVAL '1' HOUR), COUNT(*) FROM ub WHERE behavior = 'buy' "
      "GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);");
    const auto& query = insert.query;
    REQUIRE(query.window);
    CHECK(query.window->kind == window_kind::tumble);
    CHECK(query.window->syntax == window_syntax::group_window);
    CHECK(query.window->size_ms == hour_ms);
    CHECK(query.window->step_ms == hour_ms);
    CHECK(query.window->time_column.name == "ts");
    CHECK(query.window->time_column.column == 4);
    CHECK(query.group_keys.empty());
    CHECK(query.aggregated);
    CHECK_FALSE(query.updating);
    REQUIRE(query.where);
    CHECK(text_of(*query.where) == "=($0.3, 'buy')");
    REQUIRE(query.outputs.size() == 3);
    CHECK(query.outputs[0].value.kind == bound_expression_kind::window_bound);
    CHECK(query.outputs[0].value.bound == window_bound_kind::start);
    CHECK(query.outputs[1].value.bound == window_bound_kind::end);
    CHECK(to_string(query.outputs[0].value.type) == "TIMESTAMP(3)");
    CHECK(query.outputs[0].name == "EXPR$0");
    CHECK(text_of(query.outputs[2].value) == "$agg0");
    REQUIRE(query.aggregates.size() == 1);
    CHECK(query.aggregates[0].function == aggregate_function::count_star);
    CHECK(insert.target_columns == std::vector<uint32_t>{0, 1, 2});
  }

  TEST_CASE("GROUP BY HOP on processing time") {
    auto insert = bound_insert_of(
      "INSERT INTO per_key SELECT CAST(HOP_END(proctime, INTERVAL '5' MINUTE, INTERVAL '1' "
      "HOUR) AS STRING) || behavior, COUNT(DISTINCT user_id) FROM ub "
      "GROUP BY HOP(proctime, INTERVAL '5' MINUTE, INTERVAL '1' HOUR), behavior;");
    const auto& window = *insert.query.window;
    CHECK(window.kind == window_kind::hop);
    CHECK(window.step_ms == 5 * minute_ms);
    CHECK(window.size_ms == hour_ms);
    CHECK(window.time_column.type.attribute == time_attribute::proctime);
    REQUIRE(insert.query.group_keys.size() == 1);
    CHECK(text_of(insert.query.group_keys[0]) == "$0.3");
    CHECK(text_of(insert.query.outputs[0].value) == "||(CAST<STRING>($window_end), $key0)");
    CHECK(to_string(insert.query.outputs[0].value.arguments[0].arguments[0].type)
          == "TIMESTAMP_LTZ(3)");
  }

  TEST_CASE("window table functions: TUMBLE, HOP and CUMULATE") {
    const auto window_of = [](const std::string& function) {
      auto insert = bound_insert_of(
        "INSERT INTO per_window SELECT window_start, window_end, COUNT(DISTINCT user_id) "
        "FROM TABLE(" + function + ") GROUP BY window_start, window_end;");
      REQUIRE(insert.query.window);
      CHECK(insert.query.window->syntax == window_syntax::table_function);
      CHECK(insert.query.outputs[0].value.kind == bound_expression_kind::window_bound);
      CHECK(insert.query.outputs[0].value.bound == window_bound_kind::start);
      CHECK(insert.query.outputs[1].value.bound == window_bound_kind::end);
      CHECK(insert.query.group_keys.empty());
      CHECK_FALSE(insert.query.updating);
      const auto& relation = insert.query.relations.front();
      REQUIRE(relation.columns.size() == 9);
      CHECK(relation.columns[6].name == "window_start");
      CHECK(to_string(relation.columns[8].type) == "TIMESTAMP(3) *ROWTIME*");
      CHECK(to_string(relation.columns[4].type) == "TIMESTAMP(3)");
      return *insert.query.window;
    };
    auto tumble = window_of("TUMBLE(TABLE ub, DESCRIPTOR(ts), INTERVAL '10' MINUTE)");
    CHECK(tumble.kind == window_kind::tumble);
    CHECK(tumble.size_ms == 10 * minute_ms);
    auto hop = window_of("HOP(TABLE ub, DESCRIPTOR(ts), INTERVAL '5' MINUTE, INTERVAL '1' HOUR)");
    CHECK(hop.kind == window_kind::hop);
    CHECK(hop.step_ms == 5 * minute_ms);
    CHECK(hop.size_ms == hour_ms);
    auto cumulate = window_of(
      "CUMULATE(TABLE ub, DESCRIPTOR(ts), INTERVAL '10' MINUTE, INTERVAL '1' DAY)");
    CHECK(cumulate.kind == window_kind::cumulate);
    CHECK(cumulate.step_ms == 10 * minute_ms);
    CHECK(cumulate.size_ms == 24 * hour_ms);
  }

  TEST_CASE("a window aggregation may have more keys than the window") {
    auto insert = bound_insert_of(
      "INSERT INTO per_key SELECT CAST(window_start AS STRING) || behavior, COUNT(*) FROM "
      "TABLE(TUMBLE(TABLE ub, DESCRIPTOR(ts), INTERVAL '1' HOUR)) "
      "GROUP BY window_start, behavior, window_end;");
    REQUIRE(insert.query.group_keys.size() == 1);
    CHECK(insert.query.group_keys[0].name == "behavior");
    CHECK(text_of(insert.query.outputs[0].value) == "||(CAST<STRING>($window_start), $key0)");
  }

  TEST_CASE("aggregates: kinds, FILTER, CASE inside, one entry per distinct aggregate") {
    auto insert = bound_insert_of(
      "INSERT INTO per_key SELECT behavior, COUNT(*) FILTER (WHERE item_id > 10) "
      "+ SUM(CASE WHEN behavior = 'buy' THEN 1 ELSE 0 END) + COUNT(user_id) "
      "+ COUNT(*) FILTER (WHERE item_id > 10) + MIN(item_id) + MAX(item_id) + AVG(item_id) "
      "+ COUNT(*) FROM ub GROUP BY behavior;");
    const auto& aggregates = insert.query.aggregates;
    REQUIRE(aggregates.size() == 7);
    CHECK(aggregates[0].function == aggregate_function::count_star);
    REQUIRE(aggregates[0].filter);
    CHECK(text_of(*aggregates[0].filter) == ">($0.1, 10)");
    CHECK(aggregates[0].text == "COUNT(*) FILTER (WHERE item_id > 10)");
    CHECK(aggregates[1].function == aggregate_function::sum);
    CHECK(text_of(*aggregates[1].argument) == "CASE(=($0.3, 'buy'), 1, 0)");
    CHECK(aggregates[2].function == aggregate_function::count);
    CHECK(aggregates[3].function == aggregate_function::min);
    CHECK(aggregates[4].function == aggregate_function::max);
    CHECK(aggregates[5].function == aggregate_function::avg);
    CHECK(aggregates[6].function == aggregate_function::count_star);
    CHECK_FALSE(aggregates[6].filter);
    CHECK(text_of(insert.query.outputs[1].value)
          == "+(+(+(+(+(+(+($agg0, $agg1), $agg2), $agg0), $agg3), $agg4), $agg5), $agg6)");
    CHECK(insert.query.updating); // no window: rows are updated
  }

  TEST_CASE("select items after GROUP BY: keys, expressions over keys, aggregates") {
    auto insert = bound_insert_of(
      "INSERT INTO per_key SELECT DATE_FORMAT(ts, 'yyyy-MM-dd') || '/' || behavior, "
      "COUNT(*) FROM ub GROUP BY DATE_FORMAT(ts, 'yyyy-MM-dd'), behavior;");
    const auto& query = insert.query;
    REQUIRE(query.group_keys.size() == 2);
    CHECK(text_of(query.group_keys[0]) == "DATE_FORMAT($0.4, 'yyyy-MM-dd')");
    CHECK(text_of(query.outputs[0].value) == "||(||($key0, '/'), $key1)");
  }

  TEST_CASE("the lookup join") {
    auto insert = bound_insert_of(
      "INSERT INTO per_key SELECT C.parent_category_name, COUNT(*) FROM ub AS U LEFT JOIN "
      "dim FOR SYSTEM_TIME AS OF U.proctime AS C ON U.category_id = C.sub_category_id "
      "GROUP BY C.parent_category_name;");
    const auto& query = insert.query;
    REQUIRE(query.relations.size() == 2);
    CHECK(query.relations[0].alias == "U");
    CHECK(query.relations[1].alias == "C");
    CHECK(query.relations[1].name == "dim");
    CHECK(query.relations[1].columns[1].type.nullable);
    REQUIRE(query.joins.size() == 1);
    const auto& join = query.joins[0];
    CHECK(join.kind == join_kind::left);
    CHECK(join.relation == 1);
    CHECK(text_of(join.system_time) == "$0.5");
    REQUIRE(join.keys.size() == 1);
    CHECK(text_of(join.keys[0].first) == "$0.2");
    CHECK(join.keys[0].second == 0);
    CHECK(text_of(query.group_keys[0]) == "$1.1");
  }

  TEST_CASE("a lookup join with the key on the left of = and two keys") {
    auto insert = bound_insert_of(
      "INSERT INTO per_key SELECT d.parent_category_name, 1 FROM ub JOIN dim FOR "
      "SYSTEM_TIME AS OF ub.proctime AS d ON d.sub_category_id = ub.category_id AND "
      "d.parent_category_name = ub.behavior;");
    const auto& join = insert.query.joins.at(0);
    CHECK(join.kind == join_kind::inner);
    REQUIRE(join.keys.size() == 2);
    CHECK(join.keys[0].second == 0);
    CHECK(join.keys[1].second == 1);
    CHECK(text_of(join.keys[1].first) == "$0.3");
  }

  TEST_CASE("views, subqueries and what an INSERT writes") {
    auto script = bound_after_prelude(
      "CREATE VIEW buys AS SELECT user_id, ts, behavior AS kind FROM ub WHERE behavior = 'buy';"
      "\nINSERT INTO per_key (n, k) SELECT COUNT(*), kind FROM (SELECT kind FROM buys) AS b "
      "GROUP BY kind;");
    REQUIRE(script.views.size() == 1);
    const auto& view = script.views[0];
    REQUIRE(view.columns.size() == 3);
    CHECK(view.columns[2].name == "kind");
    CHECK(to_string(view.columns[1].type) == "TIMESTAMP(3) *ROWTIME*");
    const auto& insert = script.inserts.at(0);
    CHECK(insert.target_columns == std::vector<uint32_t>{1, 0});
    CHECK(insert.query.relations[0].kind == relation_kind::derived);
    REQUIRE(insert.query.relations[0].derived.get() != nullptr);
    CHECK(insert.query.relations[0].derived->relations[0].kind == relation_kind::view);
    CHECK(insert.query.relations[0].derived->relations[0].index == 0);
  }

  TEST_CASE("a view over a window keeps its rows appended; one without is updating") {
    auto script = bound_after_prelude(
      "CREATE VIEW w AS SELECT TUMBLE_START(ts, INTERVAL '1' HOUR) AS s, COUNT(*) AS n "
      "FROM ub GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);\n"
      "CREATE VIEW r AS SELECT behavior, COUNT(*) AS n FROM ub GROUP BY behavior;\n"
      "INSERT INTO per_key SELECT CAST(s AS STRING), n FROM w;\n"
      "INSERT INTO per_key SELECT behavior, n FROM r;");
    CHECK_FALSE(script.views[0].query.updating);
    CHECK(script.views[1].query.updating);
    CHECK_FALSE(script.inserts[0].query.updating);
    CHECK(script.inserts[1].query.updating);
    CHECK(to_string(script.views[0].columns[0].type) == "TIMESTAMP(3)");
  }

  TEST_CASE("statement sets and standalone INSERTs") {
    auto script = bound_after_prelude(
      "INSERT INTO per_key SELECT behavior, 1 FROM ub;\n"
      "EXECUTE STATEMENT SET BEGIN INSERT INTO per_key SELECT behavior, 2 FROM ub; "
      "INSERT INTO per_key SELECT behavior, 3 FROM ub; END;\n"
      "BEGIN STATEMENT SET; INSERT INTO per_key SELECT behavior, 4 FROM ub; END;");
    REQUIRE(script.inserts.size() == 4);
    CHECK(script.inserts[0].statement_set == -1);
    CHECK(script.inserts[1].statement_set == 0);
    CHECK(script.inserts[2].statement_set == 0);
    CHECK(script.inserts[3].statement_set == 1);
  }

  TEST_CASE("SELECT * expands to every column, computed ones included") {
    auto script = bound_after_prelude(
      "CREATE VIEW everything AS SELECT * FROM ub;\n"
      "CREATE VIEW dims AS SELECT u.user_id, d.* FROM ub AS u LEFT JOIN dim FOR SYSTEM_TIME "
      "AS OF u.proctime AS d ON u.category_id = d.sub_category_id;\n"
      "INSERT INTO per_key SELECT behavior, 1 FROM everything;");
    REQUIRE(script.views[0].columns.size() == 6);
    CHECK(script.views[0].columns[5].name == "proctime");
    REQUIRE(script.views[1].columns.size() == 3);
    CHECK(script.views[1].columns[2].name == "parent_category_name");
  }
}
