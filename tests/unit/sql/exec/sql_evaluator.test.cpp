// The row evaluator over expressions bound from SQL: three-valued logic,
// operators with Java's overflow and Flink's errors, predicates, CASE, and
// the rows above an aggregation. Casts and time functions:
// sql_evaluator_functions.test.cpp.

#include "tests/unit/sql/exec/exec_test_support.hpp"

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

const char* const t = "TRUE";
const char* const f = "FALSE";
const char* const n = "CAST(NULL AS BOOLEAN)";

std::string logic(const std::string& a, const std::string& op, const std::string& b) {
  return eval_text(a + " " + op + " " + b);
}

} // namespace

TEST_SUITE("sql.exec.evaluator") {

TEST_CASE("AND, OR, NOT: SQL's three-valued truth tables") {
  CHECK(logic(t, "AND", t) == "TRUE");
  CHECK(logic(t, "AND", f) == "FALSE");
  CHECK(logic(t, "AND", n) == "NULL");
  CHECK(logic(f, "AND", t) == "FALSE");
  CHECK(logic(f, "AND", f) == "FALSE");
  CHECK(logic(f, "AND", n) == "FALSE");
  CHECK(logic(n, "AND", t) == "NULL");
  CHECK(logic(n, "AND", f) == "FALSE");
  CHECK(logic(n, "AND", n) == "NULL");
  CHECK(logic(t, "OR", t) == "TRUE");
  CHECK(logic(t, "OR", f) == "TRUE");
  CHECK(logic(t, "OR", n) == "TRUE");
  CHECK(logic(f, "OR", t) == "TRUE");
  CHECK(logic(f, "OR", f) == "FALSE");
  CHECK(logic(f, "OR", n) == "NULL");
  CHECK(logic(n, "OR", t) == "TRUE");
  CHECK(logic(n, "OR", f) == "NULL");
  CHECK(logic(n, "OR", n) == "NULL");
  CHECK(eval_text(std::string{"NOT "} + t) == "FALSE");
  CHECK(eval_text(std::string{"NOT "} + f) == "TRUE");
  CHECK(eval_text(std::string{"NOT "} + n) == "NULL");
  // Short circuit: the right side is not evaluated when the left decides.
  CHECK(eval_text("category_id = 0 AND 10 / (category_id - 7) > 1") == "FALSE");
  CHECK(eval_text("category_id = 7 OR 10 / (category_id - 7) > 1") == "TRUE");
}

TEST_CASE("comparisons: NULL gives NULL; numbers compare across types") {
  CHECK(eval_text("user_id = 42") == "TRUE");
  CHECK(eval_text("user_id <> 42") == "FALSE");
  CHECK(eval_text("user_id < 42.5") == "TRUE");
  CHECK(eval_text("user_id >= CAST(42 AS DOUBLE)") == "TRUE");
  CHECK(eval_text("behavior > 'buz'") == "FALSE");
  CHECK(eval_text("behavior > 'bux'") == "TRUE");
  CHECK(eval_text("ts > TIMESTAMP '2017-11-26 10:15:30'") == "TRUE");
  CHECK(eval_text("user_id = CAST(NULL AS BIGINT)") == "NULL");
  CHECK(eval_text("CAST(NULL AS STRING) <> 'x'") == "NULL");
  const auto row = ub_row(sql_value{}, sql_value::string("pv"), sql_value::timestamp(0));
  CHECK(eval_text("user_id > 0", row) == "NULL");
  CHECK(eval_text("user_id IS NULL", row) == "TRUE");
  CHECK(eval_text("user_id IS NOT NULL", row) == "FALSE");
  CHECK(eval_text("behavior IS NULL", row) == "FALSE");
  // NaN equals nothing, as Java's ==.
  CHECK(eval_text("CAST('NaN' AS DOUBLE) = CAST('NaN' AS DOUBLE)") == "FALSE");
  CHECK(eval_text("CAST('NaN' AS DOUBLE) <> 1") == "TRUE");
}

TEST_CASE("arithmetic: integer division, Java overflow, division by zero rejects") {
  CHECK(eval_text("7 / 2") == "3");
  CHECK(eval_text("-7 / 2") == "-3");
  CHECK(eval_text("7 % -3") == "1");
  CHECK(eval_text("-7 % 3") == "-1");
  CHECK(eval_text("user_id * 2 - 4") == "80");
  CHECK(eval_text("-user_id") == "-42");
  // INT + INT is INT and wraps at 32 bits; BIGINT wraps at 64, as Java.
  CHECK(eval_text("2147483647 + 1") == "-2147483648");
  CHECK(eval_text("CAST(2147483647 AS BIGINT) + 1") == "2147483648");
  CHECK(eval_text("9223372036854775807 + user_id") == "-9223372036854775767");
  CHECK(eval_text("CAST(-128 AS TINYINT) - CAST(1 AS TINYINT)") == "127");
  // DECIMAL is exact; DOUBLE is IEEE.
  CHECK(eval_text("0.1 + 0.2") == "0.3");
  CHECK(eval_text("1.5 * 2") == "3.0");
  // DECIMAL(3, 2) / INT: scale max(6, 2 + 10 + 1) = 13, as Flink.
  CHECK(eval_text("1.00 / 3") == "0.3333333333333");
  CHECK(eval_text("user_id + 0.5") == "42.5");
  CHECK(eval_text("CAST(1 AS DOUBLE) / 4") == "0.25");
  CHECK(eval_text("CAST(1 AS DOUBLE) / 0") == "Infinity");
  CHECK(eval_text("CAST(1 AS FLOAT) / 3") == "0.3333333432674408");
  const std::string zero = eval_text("user_id / (category_id - 7)");
  CHECK(zero.rfind("error: line 11:", 0) == 0);
  CHECK(zero.find("division by zero") != std::string::npos);
  CHECK(eval_text("user_id % 0").find("modulo by zero") != std::string::npos);
  CHECK(eval_text("1.5 / 0").find("division by zero") != std::string::npos);
  CHECK(eval_text("user_id + CAST(NULL AS BIGINT)") == "NULL");
  CHECK(eval_text("CAST(NULL AS INT) / 0") == "NULL"); // NULL before the zero
  CHECK(eval_text("ts + INTERVAL '1' HOUR") == "TIMESTAMP '2017-11-26 11:15:30.250'");
  CHECK(eval_text("ts - INTERVAL '31' SECOND") == "TIMESTAMP '2017-11-26 10:14:59.250'");
}

TEST_CASE("|| concatenates; NULL makes NULL") {
  CHECK(eval_text("behavior || '-' || CAST(user_id AS STRING)") == "'buy-42'");
  CHECK(eval_text("behavior || CAST(NULL AS STRING)") == "NULL");
}

TEST_CASE("IN, NOT IN, BETWEEN with NULLs") {
  CHECK(eval_text("user_id IN (1, 42)") == "TRUE");
  CHECK(eval_text("user_id IN (1, 2)") == "FALSE");
  CHECK(eval_text("user_id IN (1, CAST(NULL AS BIGINT))") == "NULL");
  CHECK(eval_text("user_id IN (42, CAST(NULL AS BIGINT))") == "TRUE");
  CHECK(eval_text("user_id NOT IN (1, 2)") == "TRUE");
  CHECK(eval_text("user_id NOT IN (1, CAST(NULL AS BIGINT))") == "NULL");
  CHECK(eval_text("user_id NOT IN (42, 1)") == "FALSE");
  CHECK(eval_text("CAST(NULL AS BIGINT) IN (1)") == "NULL");
  CHECK(eval_text("behavior IN ('pv', 'buy')") == "TRUE");
  CHECK(eval_text("user_id IN (42.0, 1)") == "TRUE");
  CHECK(eval_text("user_id BETWEEN 40 AND 42") == "TRUE");
  CHECK(eval_text("user_id BETWEEN 43 AND 50") == "FALSE");
  CHECK(eval_text("user_id NOT BETWEEN 43 AND 50") == "TRUE");
  CHECK(eval_text("user_id BETWEEN 1 AND CAST(NULL AS BIGINT)") == "NULL");
  CHECK(eval_text("user_id BETWEEN 50 AND CAST(NULL AS BIGINT)") == "FALSE");
  CHECK(eval_text("user_id NOT BETWEEN 50 AND CAST(NULL AS BIGINT)") == "TRUE");
}

TEST_CASE("LIKE: % and _ over code points, no escape character") {
  CHECK(eval_text("behavior LIKE 'b%'") == "TRUE");
  CHECK(eval_text("behavior LIKE 'b_y'") == "TRUE");
  CHECK(eval_text("behavior LIKE '%u'") == "FALSE");
  CHECK(eval_text("behavior LIKE '%'") == "TRUE");
  CHECK(eval_text("behavior LIKE 'BUY'") == "FALSE");
  CHECK(eval_text("behavior NOT LIKE 'p%'") == "TRUE");
  CHECK(eval_text("'a%b' LIKE 'a\\%b'") == "FALSE"); // backslash is a plain character
  CHECK(eval_text("'%%x' LIKE '%x'") == "TRUE");
  CHECK(eval_text("'abcabd' LIKE '%ab_'") == "TRUE");
  CHECK(eval_text("'abcabd' LIKE '%abc'") == "FALSE");
  CHECK(eval_text("'\xE4\xB8\xAD\xE6\x96\x87' LIKE '_\xE6\x96\x87'") == "TRUE");
  CHECK(eval_text("'\xE4\xB8\xAD\xE6\x96\x87' LIKE '__'") == "TRUE");
  CHECK(eval_text("'\xE4\xB8\xAD\xE6\x96\x87' LIKE '___'") == "FALSE");
  CHECK(eval_text("CAST(NULL AS STRING) LIKE '%'") == "NULL");
}

TEST_CASE("CASE: the first TRUE branch, ELSE or NULL, one result type") {
  CHECK(eval_text("CASE WHEN user_id > 100 THEN 'big' WHEN user_id > 10 THEN 'mid' END")
        == "'mid'");
  CHECK(eval_text("CASE WHEN user_id > 100 THEN 'big' END") == "NULL");
  CHECK(eval_text("CASE behavior WHEN 'pv' THEN 1 WHEN 'buy' THEN 2 ELSE 0 END") == "2");
  CHECK(eval_text("CASE WHEN CAST(NULL AS BOOLEAN) THEN 1 ELSE 0 END") == "0");
  // INT and DECIMAL branches: every result is a DECIMAL(11, 1).
  CHECK(eval_text("CASE WHEN user_id = 42 THEN 1 ELSE 2.5 END") == "1.0");
  // Only the chosen branch runs: a guarded division never fails.
  CHECK(eval_text("CASE WHEN category_id = 7 THEN 0 ELSE 1 / (category_id - 7) END") == "0");
}

TEST_CASE("rows above the aggregation: keys, aggregates and the window") {
  auto insert = bound_insert_of(
    "INSERT INTO per_window SELECT TUMBLE_START(ts, INTERVAL '1' HOUR), "
    "TUMBLE_END(ts, INTERVAL '1' HOUR), COUNT(*) * 2 FROM ub "
    "GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);");
  const auto& outputs = insert.query.outputs;
  REQUIRE(outputs.size() == 3);
  const sql_row_evaluator evaluator{zone_named("Asia/Shanghai")};
  const sql_row aggregates{sql_value::bigint(21)};
  const sql_window window{at_local(2017, 11, 26, 10), at_local(2017, 11, 26, 11)};
  const sql_aggregate_row row{nullptr, &aggregates, &window};
  CHECK(evaluator.evaluate(outputs[0].value, row).value.to_text()
        == "TIMESTAMP '2017-11-26 10:00:00.000'");
  CHECK(evaluator.evaluate(outputs[1].value, row).value.to_text()
        == "TIMESTAMP '2017-11-26 11:00:00.000'");
  CHECK(evaluator.evaluate(outputs[2].value, row).value == sql_value::bigint(42));
  // Without the window or the aggregates: an error, never a crash.
  const sql_aggregate_row empty{};
  CHECK(evaluator.evaluate(outputs[0].value, empty).error.find("no window")
        != std::string::npos);
  CHECK(evaluator.evaluate(outputs[2].value, empty).error.find("no aggregate")
        != std::string::npos);

  auto keyed = bound_insert_of(
    "INSERT INTO per_key SELECT behavior || '!', COUNT(DISTINCT user_id) FROM ub "
    "WHERE behavior <> 'pv' GROUP BY behavior;");
  REQUIRE(keyed.query.group_keys.size() == 1);
  // The key is computed before the aggregation, over the row ...
  const auto key = evaluator.evaluate(keyed.query.group_keys[0], default_row());
  CHECK(key.value == sql_value::string("buy"));
  CHECK(evaluator.evaluate(*keyed.query.where, default_row()).is_true());
  // ... and read back above it.
  const sql_row keys{key.value};
  const sql_row distinct{sql_value::bigint(3)};
  const sql_aggregate_row group{&keys, &distinct, nullptr};
  CHECK(evaluator.evaluate(keyed.query.outputs[0].value, group).value
        == sql_value::string("buy!"));
  CHECK(evaluator.evaluate(keyed.query.outputs[1].value, group).value
        == sql_value::bigint(3));
}

TEST_CASE("a row without the column is an error, not a crash") {
  const std::vector<sql_row> short_row{sql_row{sql_value::bigint(1)}};
  const auto result = evaluate_sql("behavior = 'buy'", short_row);
  CHECK_FALSE(result.ok());
  CHECK(result.error.find("no column behavior") != std::string::npos);
  CHECK_FALSE(result.is_true());
  CHECK_FALSE(evaluate_sql("user_id = 42", {}).ok());
}

} // TEST_SUITE
