#include "common/sql/sql_parser.hpp"
#include "common/sql/sql_print.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;

namespace {

parse_result parsed(std::string_view text) {
  auto result = parse_script(text);
  REQUIRE_MESSAGE(result.ok(), result.error->to_string());
  return result;
}

const sql_query& only_query(const parse_result& result) {
  REQUIRE(result.statements.size() == 1);
  const auto* statement = std::get_if<query_statement>(&result.statements[0].node);
  REQUIRE(statement != nullptr);
  return *statement->query;
}

/// The expression parsed and printed again in canonical form.
std::string canonical(std::string_view text) {
  auto result = parse_sql_expression(text);
  REQUIRE_MESSAGE(!result.error, result.error->to_string());
  return print_expression(*result.expression);
}

sql_expression_ptr expression(std::string_view text) {
  auto result = parse_sql_expression(text);
  REQUIRE_MESSAGE(!result.error, result.error->to_string());
  return std::move(result.expression);
}

} // namespace

TEST_SUITE("sql.parser") {
  TEST_CASE("CREATE TABLE: columns, computed column, watermark, key, options") {
    const auto result = parsed(
      "CREATE TABLE user_behavior (\n"
      "  user_id BIGINT NOT NULL,\n"
      "  ts TIMESTAMP(3),\n"
      "  proctime AS PROCTIME(),\n"
      "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,\n"
      "  PRIMARY KEY (user_id) NOT ENFORCED\n"
      ") WITH ('connector' = 'kafka', 'topic' = 'user_behavior')");
    REQUIRE(result.statements.size() == 1);
    CHECK(result.statements[0].kind() == statement_kind::create_table);
    const auto& table = std::get<create_table_statement>(result.statements[0].node);
    CHECK(table.name.text == "user_behavior");
    CHECK(table.name.position.column == 14);
    REQUIRE(table.columns.size() == 3);
    CHECK(table.columns[0].type->name == sql_type_name::bigint);
    CHECK(table.columns[0].not_null);
    CHECK(table.columns[1].type->name == sql_type_name::timestamp);
    CHECK(table.columns[1].type->precision == 3u);
    CHECK_FALSE(table.columns[2].type);
    REQUIRE(table.columns[2].computed);
    CHECK(std::get<function_call>(table.columns[2].computed->node).name.text
          == "PROCTIME");
    REQUIRE(table.watermark);
    CHECK(table.watermark->column.text == "ts");
    CHECK(table.watermark->position.line == 5);
    CHECK(print_expression(*table.watermark->strategy) == "ts - INTERVAL '5' SECOND");
    REQUIRE(table.primary_key);
    CHECK(table.primary_key->columns[0].text == "user_id");
    REQUIRE(table.options.size() == 2);
    CHECK(table.options[1].key == "topic");
    CHECK(table.options[1].value == "user_behavior");
    CHECK(table.options[1].key_position.line == 7);
  }

  TEST_CASE("every supported type, as the printer writes it") {
    const char* types[] = {
      "BOOLEAN", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE",
      "DECIMAL", "DECIMAL(10)", "DECIMAL(10, 2)", "STRING", "VARCHAR",
      "VARCHAR(20)", "CHAR(3)", "DATE", "TIMESTAMP", "TIMESTAMP(3)",
      "TIMESTAMP(3) WITH LOCAL TIME ZONE"};
    for (const char* type : types) {
      CAPTURE(type);
      const auto result = parsed(std::string{"CREATE TABLE t (c "} + type + ")");
      const auto& table = std::get<create_table_statement>(result.statements[0].node);
      CHECK(print_type(*table.columns[0].type) == type);
    }
    const std::pair<const char*, const char*> synonyms[] = {
      {"integer", "INT"},
      {"Double Precision", "DOUBLE"},
      {"NUMERIC(5,1)", "DECIMAL(5, 1)"},
      {"TIMESTAMP_LTZ(3)", "TIMESTAMP(3) WITH LOCAL TIME ZONE"},
      {"TIMESTAMP(6) WITHOUT TIME ZONE", "TIMESTAMP(6)"},
    };
    for (const auto& [written, printed] : synonyms) {
      CAPTURE(written);
      const auto result = parsed(std::string{"CREATE TABLE t (c "} + written + ")");
      const auto& table = std::get<create_table_statement>(result.statements[0].node);
      CHECK(print_type(*table.columns[0].type) == printed);
    }
  }

  TEST_CASE("CREATE VIEW, INSERT INTO with columns, a bare query") {
    const auto result = parsed(
      "create temporary view if not exists v as select a from t;\n"
      "INSERT INTO sink (x, y) SELECT a, b FROM v;\n"
      "SELECT * FROM t;;");
    REQUIRE(result.statements.size() == 3);
    const auto& view = std::get<create_view_statement>(result.statements[0].node);
    CHECK(view.temporary);
    CHECK(view.if_not_exists);
    CHECK(view.name.text == "v");
    const auto& insert = std::get<insert_statement>(result.statements[1].node);
    CHECK(insert.table.text == "sink");
    REQUIRE(insert.columns.size() == 2);
    CHECK(insert.columns[1].text == "y");
    CHECK(result.statements[1].position.line == 2);
    CHECK(result.statements[2].kind() == statement_kind::query);
  }

  TEST_CASE("statement sets in both spellings") {
    const char* spellings[] = {
      "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;",
      "BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nINSERT INTO b SELECT 2;\nEND;",
    };
    for (const char* text : spellings) {
      CAPTURE(text);
      const auto result = parsed(text);
      REQUIRE(result.statements.size() == 1);
      const auto& set = std::get<statement_set>(result.statements[0].node);
      REQUIRE(set.inserts.size() == 2);
      CHECK(set.inserts[0].table.text == "a");
      CHECK(set.inserts[1].table.text == "b");
    }
  }

  TEST_CASE("SELECT: DISTINCT, aliases with and without AS, t.*, clauses") {
    const auto result = parsed(
      "SELECT DISTINCT u.*, a AS x, b y, `from` FROM t AS u WHERE a > 1 "
      "GROUP BY a, b HAVING COUNT(*) > 2 ORDER BY a DESC, b LIMIT 10");
    const auto& query = only_query(result);
    REQUIRE(query.branches.size() == 1);
    const auto& block = query.branches[0];
    CHECK(block.distinct);
    REQUIRE(block.items.size() == 4);
    CHECK(std::get<star_expression>(block.items[0].value->node).qualifier->text == "u");
    CHECK(block.items[1].alias->text == "x");
    CHECK(block.items[2].alias->text == "y");
    CHECK(std::get<column_reference>(block.items[3].value->node).parts[0].text == "from");
    CHECK(block.from->alias->text == "u");
    CHECK(block.group_by.size() == 2);
    CHECK(block.having);
    REQUIRE(query.order_by.size() == 2);
    CHECK(query.order_by[0].descending);
    CHECK_FALSE(query.order_by[1].descending);
    CHECK(query.limit == 10u);
  }

  TEST_CASE("the window table functions and their durations") {
    const auto result = parsed(
      "SELECT 1 FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES));"
      "SELECT 1 FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' MINUTE, "
      "INTERVAL '1' HOUR));"
      "SELECT 1 FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTE, "
      "INTERVAL '1' DAY, INTERVAL '8' HOUR)) AS w");
    REQUIRE(result.statements.size() == 3);
    auto window_of = [&](size_t i) -> const window_table_function& {
      const auto& query = *std::get<query_statement>(result.statements[i].node).query;
      return std::get<window_table_function>(query.branches[0].from->source);
    };
    const auto& tumble = window_of(0);
    CHECK(tumble.kind == window_function_kind::tumble);
    CHECK(tumble.table.text == "t");
    CHECK(tumble.time_column.text == "ts");
    CHECK_FALSE(tumble.step);
    CHECK(print_expression(*tumble.size) == "INTERVAL '10' MINUTE");
    const auto& hop = window_of(1);
    CHECK(print_expression(*hop.step) == "INTERVAL '5' MINUTE");
    CHECK(print_expression(*hop.size) == "INTERVAL '1' HOUR");
    CHECK_FALSE(hop.offset);
    const auto& cumulate = window_of(2);
    CHECK(cumulate.kind == window_function_kind::cumulate);
    CHECK(print_expression(*cumulate.step) == "INTERVAL '10' MINUTE");
    CHECK(print_expression(*cumulate.size) == "INTERVAL '1' DAY");
    CHECK(print_expression(*cumulate.offset) == "INTERVAL '8' HOUR");
  }

  TEST_CASE("a lookup join, a subquery and UNION ALL") {
    const auto result = parsed(
      "SELECT U.user_id, C.name FROM (SELECT * FROM user_behavior) AS U "
      "LEFT OUTER JOIN dim FOR SYSTEM_TIME AS OF U.proctime AS C "
      "ON U.category_id = C.id JOIN other o ON o.id = U.user_id "
      "UNION ALL (SELECT 1, 2 UNION ALL SELECT 3, 4) ORDER BY 1");
    const auto& query = only_query(result);
    REQUIRE(query.branches.size() == 3);
    const auto& block = query.branches[0];
    CHECK(std::holds_alternative<derived_table>(block.from->source));
    REQUIRE(block.joins.size() == 2);
    const auto& lookup = block.joins[0];
    CHECK(lookup.kind == join_kind::left);
    CHECK(std::get<named_table>(lookup.right.source).name.text == "dim");
    REQUIRE(lookup.right.system_time);
    CHECK(print_expression(*lookup.right.system_time) == "U.proctime");
    CHECK(lookup.right.alias->text == "C");
    CHECK(print_expression(*lookup.condition) == "U.category_id = C.id");
    CHECK(block.joins[1].kind == join_kind::inner);
    CHECK(block.joins[1].right.alias->text == "o");
  }

  TEST_CASE("operator precedence and associativity") {
    auto top = [](std::string_view text) {
      auto e = expression(text);
      return std::get<binary_expression>(e->node).op;
    };
    CHECK(top("a + b * c") == binary_operator::add);
    CHECK(top("a * b + c") == binary_operator::add);
    CHECK(top("a OR b AND c") == binary_operator::logical_or);
    CHECK(top("a = 1 AND b = 2") == binary_operator::logical_and);
    CHECK(top("a + 1 > b - 1") == binary_operator::greater);
    CHECK(top("'x' || a = 'xy'") == binary_operator::equal);
    // Left associative: (a - b) - c.
    auto minus = expression("a - b - c");
    const auto& outer = std::get<binary_expression>(minus->node);
    CHECK(std::get<column_reference>(outer.right->node).parts[0].text == "c");
    // NOT binds looser than comparisons, tighter than AND.
    auto logic = expression("NOT a = b AND c");
    const auto& conjunction = std::get<binary_expression>(logic->node);
    CHECK(conjunction.op == binary_operator::logical_and);
    const auto& negation = std::get<unary_expression>(conjunction.left->node);
    CHECK(negation.op == unary_operator::logical_not);
    CHECK(std::holds_alternative<binary_expression>(negation.operand->node));
    // BETWEEN's AND is its own.
    CHECK(top("x BETWEEN 1 AND 2 AND y") == binary_operator::logical_and);
  }

  TEST_CASE("predicates, CASE, CAST, EXTRACT, calls, literals") {
    CHECK(canonical("x is not null") == "x IS NOT NULL");
    CHECK(canonical("x not in (1, 2,3)") == "x NOT IN (1, 2, 3)");
    CHECK(canonical("x NOT LIKE 'a%'") == "x NOT LIKE 'a%'");
    CHECK(canonical("x between 1 and 2") == "x BETWEEN 1 AND 2");
    CHECK(canonical("case when a then 1 when b then 2 else 3 end")
          == "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END");
    CHECK(canonical("case behavior when 'buy' then 1 end")
          == "CASE behavior WHEN 'buy' THEN 1 END");
    CHECK(canonical("cast(ts as timestamp_ltz(3))")
          == "CAST(ts AS TIMESTAMP(3) WITH LOCAL TIME ZONE)");
    CHECK(canonical("try_cast(s as int)") == "TRY_CAST(s AS INT)");
    CHECK(canonical("extract(hour from ts)") == "EXTRACT(HOUR FROM ts)");
    CHECK(canonical("count(*)") == "COUNT(*)");
    CHECK(canonical("count(distinct user_id)") == "COUNT(DISTINCT user_id)");
    CHECK(canonical("count(*) filter (where behavior = 'buy')")
          == "COUNT(*) FILTER (WHERE behavior = 'buy')");
    CHECK(canonical("sum(case when b = 'buy' then 1 else 0 end)")
          == "SUM(CASE WHEN b = 'buy' THEN 1 ELSE 0 END)");
    CHECK(canonical("date_format(tumble_end(ts, interval '10' minutes), 'HH:mm')")
          == "DATE_FORMAT(TUMBLE_END(ts, INTERVAL '10' MINUTE), 'HH:mm')");
    CHECK(canonical("proctime()") == "PROCTIME()");
    CHECK(canonical("'it''s' || `my col`") == "'it''s' || `my col`");
    CHECK(canonical("true and false or null") == "TRUE AND FALSE OR NULL");
    CHECK(canonical("date '2017-11-25' < timestamp '2017-11-25 10:00:00'")
          == "DATE '2017-11-25' < TIMESTAMP '2017-11-25 10:00:00'");
    CHECK(canonical("-0.5 * +x % 3") == "-0.5 * +x % 3");
    CHECK(canonical("a != b") == "a <> b");
  }

  TEST_CASE("the printer writes the parentheses precedence needs, no more") {
    CHECK(canonical("(a + b) * c") == "(a + b) * c");
    CHECK(canonical("a + (b * c)") == "a + b * c");
    CHECK(canonical("a - (b - c)") == "a - (b - c)");
    CHECK(canonical("(a - b) - c") == "a - b - c");
    CHECK(canonical("NOT (a OR b)") == "NOT (a OR b)");
    CHECK(canonical("(NOT a) = b") == "(NOT a) = b");
    CHECK(canonical("a AND (b OR c)") == "a AND (b OR c)");
    CHECK(canonical("- (- x)") == "- -x");
    CHECK(canonical("-(a + b)") == "-(a + b)");
    CHECK(canonical("(a = b) IS NULL") == "a = b IS NULL");
    CHECK(canonical("a = (b IS NULL)") == "a = (b IS NULL)");
    CHECK(canonical("x BETWEEN (a = b) AND c") == "x BETWEEN (a = b) AND c");
    CHECK(canonical("((((a))))") == "a");
  }

  TEST_CASE("every node has its position; operators point at themselves") {
    auto e = expression("a +\n  b * c");
    CHECK(e->position.line == 1);
    CHECK(e->position.column == 3);
    const auto& sum = std::get<binary_expression>(e->node);
    CHECK(sum.left->position.column == 1);
    CHECK(sum.right->position.line == 2);
    CHECK(sum.right->position.column == 5);
    const auto& product = std::get<binary_expression>(sum.right->node);
    CHECK(product.right->position.column == 7);
    CHECK(e->height == 3);
  }

  TEST_CASE("names quoted only where they must be") {
    CHECK(quote_identifier("user_id") == "user_id");
    CHECK(quote_identifier("from") == "`from`");
    CHECK(quote_identifier("a b") == "`a b`");
    CHECK(quote_identifier("a`b") == "`a``b`");
    CHECK(quote_identifier("1a") == "`1a`");
    CHECK(quote_string("it's") == "'it''s'");
    CHECK(canonical("`cast`(x)") == "`cast`(x)");
  }
}
