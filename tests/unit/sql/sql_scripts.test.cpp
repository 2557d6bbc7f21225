#include "common/sql/sql_parser.hpp"
#include "common/sql/sql_print.hpp"
#include "tests/unit/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;

namespace {

const std::string seed_path = UBAFLOW_SOURCE_DIR "/tests/data/sql/seed.sql";
const std::string taobao_path = UBAFLOW_SOURCE_DIR "/jobs/taobao.sql";

parse_result parsed_file(const std::string& path) {
  const std::string text = test::read_file(path);
  REQUIRE_MESSAGE(!text.empty(), "cannot read ", path);
  auto result = parse_script(text);
  REQUIRE_MESSAGE(result.ok(), path, ": ", result.error->to_string());
  return result;
}

std::string option(const create_table_statement& table, const std::string& key) {
  for (const auto& entry : table.options)
    if (entry.key == key)
      return entry.value;
  return "<missing>";
}

/// parse -> print -> parse -> print: the two prints are equal.
void check_round_trip(std::string_view text) {
  auto first = parse_script(text);
  REQUIRE_MESSAGE(first.ok(), first.error->to_string());
  const std::string printed = print_script(first.statements);
  auto second = parse_script(printed);
  REQUIRE_MESSAGE(second.ok(), second.error->to_string(), "\n", printed);
  CHECK(second.statements.size() == first.statements.size());
  CHECK(print_script(second.statements) == printed);
}

} // namespace

TEST_SUITE("sql.scripts") {
  TEST_CASE("the seed's own script parses, statement by statement") {
    const auto result = parsed_file(seed_path);
    using k = statement_kind;
    const statement_kind expected[] = {
      k::create_table, k::query,        k::create_table, k::insert,
      k::create_table, k::create_view,  k::insert,       k::create_table,
      k::create_table, k::create_view,  k::insert};
    REQUIRE(result.statements.size() == std::size(expected));
    for (size_t i = 0; i < std::size(expected); ++i) {
      CAPTURE(i);
      CHECK(result.statements[i].kind() == expected[i]);
    }

    const auto& source = std::get<create_table_statement>(result.statements[0].node);
    CHECK(source.name.text == "user_behavior");
    CHECK(source.columns.size() == 6);
    CHECK(source.columns[5].name.text == "proctime");
    REQUIRE(source.watermark);
    CHECK(source.watermark->column.text == "ts");
    CHECK(print_expression(*source.watermark->strategy) == "ts - INTERVAL '5' SECOND");
    CHECK(source.options.size() == 9);
    CHECK(option(source, "connector") == "kafka");
    CHECK(option(source, "properties.bootstrap.servers") == "localhost:9092");
    CHECK(option(source, "json.ignore-parse-errors") == "true");

    const auto& goum = std::get<create_table_statement>(result.statements[2].node);
    CHECK(goum.name.text == "goum");
    CHECK(option(goum, "connector") == "elasticsearch-7");
    CHECK(option(goum, "index") == "buy_cnt_per_hour");

    const auto& hourly = std::get<insert_statement>(result.statements[3].node);
    CHECK(hourly.table.text == "buy_cnt_per_hour"); // not goum: the binder's to say
    const auto& hourly_block = hourly.query->branches[0];
    REQUIRE(hourly_block.group_by.size() == 1);
    CHECK(print_expression(*hourly_block.group_by[0]) == "TUMBLE(ts, INTERVAL '1' HOUR)");
    CHECK(print_expression(*hourly_block.items[0].value)
          == "HOUR(TUMBLE_START(ts, INTERVAL '1' HOUR))");
    CHECK(print_expression(*hourly_block.where) == "behavior = 'buy'");

    const auto& uv_view = std::get<create_view_statement>(result.statements[5].node);
    CHECK(uv_view.name.text == "uv_per_10min");
    CHECK(print_expression(*uv_view.query->branches[0].group_by[0])
          == "TUMBLE(ts, INTERVAL '10' MINUTE)");
    CHECK(print_expression(*uv_view.query->branches[0].items[1].value)
          == "COUNT(DISTINCT user_id)");

    const auto& dim = std::get<create_table_statement>(result.statements[7].node);
    CHECK(option(dim, "connector") == "jdbc");
    CHECK(option(dim, "lookup.cache.ttl") == "10min");

    const auto& rich = std::get<create_view_statement>(result.statements[9].node);
    const auto& join = rich.query->branches[0].joins.at(0);
    CHECK(join.kind == join_kind::left);
    CHECK(print_expression(*join.right.system_time) == "U.proctime");
    CHECK(print_expression(*join.condition) == "U.category_id = C.sub_category_id");
  }

  TEST_CASE("jobs/taobao.sql: the four results of today's engine") {
    const auto result = parsed_file(taobao_path);
    std::vector<std::string> indices;
    for (const auto& statement : result.statements)
      if (auto table = std::get_if<create_table_statement>(&statement.node))
        if (option(*table, "connector") == "elasticsearch-7")
          indices.push_back(option(*table, "index"));
    CHECK(indices == std::vector<std::string>{"buy_cnt_per_hour", "cumulative_uv",
                                              "cumulative_uv_daily", "top_category"});
    REQUIRE(result.statements.back().kind() == statement_kind::statement_set);
    const auto& set = std::get<statement_set>(result.statements.back().node);
    REQUIRE(set.inserts.size() == 4);
    CHECK(set.inserts[0].table.text == "buy_cnt_per_hour");
    CHECK(set.inserts[3].table.text == "top_category");
    const auto& daily = set.inserts[2];
    CHECK(daily.table.text == "cumulative_uv_daily");
    const auto& window
      = std::get<window_table_function>(daily.query->branches[0].from->source);
    CHECK(window.kind == window_function_kind::cumulate);
    CHECK(print_expression(*window.step) == "INTERVAL '10' MINUTE");
    CHECK(print_expression(*window.size) == "INTERVAL '1' DAY");
  }

  TEST_CASE("round trip: parse, print, parse gives the same print") {
    check_round_trip(test::read_file(seed_path));
    check_round_trip(test::read_file(taobao_path));
    check_round_trip(
      "SELECT a FROM (SELECT a, b FROM (SELECT * FROM t) x WHERE b IN (1, 2)) y "
      "UNION ALL SELECT -(-a) FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL "
      "'5' MINUTE, INTERVAL '1' HOUR)) ORDER BY 1 DESC LIMIT 3;"
      "CREATE TABLE `select` (`a b` INT NOT NULL COMMENT 'it''s', c AS a * 2, "
      "CONSTRAINT pk PRIMARY KEY (`a b`) NOT ENFORCED) COMMENT 'x';"
      "BEGIN STATEMENT SET; INSERT INTO s (a) SELECT COUNT(*) FILTER (WHERE x "
      "NOT LIKE 'a%' AND y NOT BETWEEN 1 AND 2 OR z IS NOT NULL) FROM t; END");
  }

  TEST_CASE("the canonical text of the seed's view") {
    const auto result = parse_script(
      "create view rich_user_behavior as select U.user_id, "
      "C.parent_category_name as category_name from user_behavior as U "
      "left join category_dim for system_time as of U.proctime as C "
      "on U.category_id = C.sub_category_id");
    REQUIRE(result.ok());
    CHECK(print_script(result.statements) ==
          "CREATE VIEW rich_user_behavior AS\n"
          "SELECT U.user_id, C.parent_category_name AS category_name\n"
          "FROM user_behavior AS U\n"
          "LEFT JOIN category_dim FOR SYSTEM_TIME AS OF U.proctime AS C ON "
          "U.category_id = C.sub_category_id;\n");
  }
}
