// Compiled conditions (sql_condition) against the evaluator they stand in
// for: every condition over every row keeps the same rows and rejects the
// same ones with the same reason, whether it was compiled or evaluated.

#include "common/sql/exec/sql_condition.hpp"
#include "tests/unit/sql/exec/exec_test_support.hpp"

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

/// Rows of ub with NULLs, other behaviours and edge values.
std::vector<std::vector<sql_row>> rows() {
  const auto ts = sql_value::timestamp(at_local(2017, 11, 26, 10));
  return {
    default_row(),
    ub_row(sql_value::bigint(7), sql_value::string("pv"), ts),
    ub_row(sql_value::null(), sql_value::string("buy"), ts),
    ub_row(sql_value::bigint(42), sql_value::null(), ts),
    ub_row(sql_value::bigint(-1), sql_value::string(""), sql_value::null(),
           sql_value::null()),
    ub_row(sql_value::bigint(INT64_MAX), sql_value::string("Buy"), ts,
           sql_value::bigint(0)),
  };
}

/// What the evaluator says: kept, dropped, or "error: ...".
std::string evaluated(const sql_row_evaluator& evaluator,
                      const bound_expression& e,
                      const std::vector<sql_row>& row) {
  const auto result = evaluator.evaluate(e, row);
  if (!result.ok())
    return "error: " + result.error;
  return result.is_true() ? "kept" : "dropped";
}

std::string compiled(const sql_condition& condition,
                     const std::vector<sql_row>& row) {
  std::string why;
  const bool kept = condition.holds(row, why);
  if (!why.empty())
    return "error: " + why;
  return kept ? "kept" : "dropped";
}

/// The condition gives the evaluator's answer on every row; how many of
/// its nodes were compiled.
size_t check_same_as_evaluator(const std::string& text) {
  CAPTURE(text);
  const sql_row_evaluator evaluator{zone_named("Asia/Shanghai")};
  const auto e = bound_expression_of(text);
  const sql_condition condition{e, evaluator};
  for (const auto& row : rows()) {
    CAPTURE(row[0][0].to_text());
    CAPTURE(row[0][3].to_text());
    CHECK(compiled(condition, row) == evaluated(evaluator, e, row));
  }
  return condition.compiled_nodes();
}

} // namespace

TEST_SUITE("sql.exec.condition") {

TEST_CASE("the shapes that filter most rows are compiled and agree with the evaluator") {
  CHECK(check_same_as_evaluator("behavior = 'buy'") == 1);
  CHECK(check_same_as_evaluator("'buy' = behavior") == 1);
  CHECK(check_same_as_evaluator("behavior <> 'buy'") == 1);
  // String equality is compared inline: same length other bytes, another
  // length, the empty string, case.
  CHECK(check_same_as_evaluator("behavior = 'bux'") == 1);
  CHECK(check_same_as_evaluator("behavior = 'buyer'") == 1);
  CHECK(check_same_as_evaluator("behavior = ''") == 1);
  CHECK(check_same_as_evaluator("'' <> behavior") == 1);
  CHECK(check_same_as_evaluator("behavior <> 'Buy'") == 1);
  CHECK(check_same_as_evaluator("behavior < 'buy'") == 1);
  CHECK(check_same_as_evaluator("user_id > 10") == 1);
  CHECK(check_same_as_evaluator("10 <= user_id") == 1);
  CHECK(check_same_as_evaluator("user_id < 10.5") == 1);
  CHECK(check_same_as_evaluator("user_id >= CAST(1.5 AS DOUBLE)") == 0);
  CHECK(check_same_as_evaluator("user_id IS NULL") == 1);
  CHECK(check_same_as_evaluator("behavior IS NOT NULL") == 1);
  CHECK(check_same_as_evaluator("behavior IN ('buy', 'cart')") == 1);
  CHECK(check_same_as_evaluator("behavior NOT IN ('buy', 'cart')") == 1);
  CHECK(check_same_as_evaluator("behavior IN ('pv', CAST(NULL AS STRING))") == 0);
  CHECK(check_same_as_evaluator("behavior NOT IN ('pv', CAST(NULL AS STRING))") == 0);
  CHECK(check_same_as_evaluator("behavior = 'buy' AND user_id > 10") == 3);
  CHECK(check_same_as_evaluator("behavior = 'buy' OR user_id IS NULL") == 3);
  CHECK(check_same_as_evaluator("NOT (behavior = 'buy')") == 2);
  CHECK(check_same_as_evaluator("NOT (behavior = 'pv' OR behavior IS NULL)") == 4);
}

TEST_CASE("anything else is the evaluator's, inside compiled logic too") {
  CHECK(check_same_as_evaluator("behavior LIKE 'b%'") == 0);
  CHECK(check_same_as_evaluator("user_id + 1 > 10") == 0);
  CHECK(check_same_as_evaluator("user_id BETWEEN 1 AND 100") == 0);
  CHECK(check_same_as_evaluator("category_id = user_id") == 0);
  CHECK(check_same_as_evaluator("behavior = 'buy' AND user_id % 2 = 0") == 2);
  CHECK(check_same_as_evaluator("HOUR(ts) = 10 OR behavior = 'pv'") == 2);
}

TEST_CASE("errors reject the row, and short circuits skip them as the evaluator's") {
  // 10 / (category_id - 7) divides by zero where category_id is 7.
  CHECK(check_same_as_evaluator("10 / (category_id - 7) > 1") == 0);
  CHECK(check_same_as_evaluator("behavior = 'buy' AND 10 / (category_id - 7) > 1") == 2);
  CHECK(check_same_as_evaluator("behavior = 'buy' OR 10 / (category_id - 7) > 1") == 2);
  CHECK(check_same_as_evaluator("10 / (category_id - 7) > 1 OR behavior = 'buy'") == 2);
  CHECK(check_same_as_evaluator("NOT (10 / (category_id - 7) > 1)") == 1);
}

TEST_CASE("a row without the column a compiled node reads is rejected with the evaluator's reason") {
  const sql_row_evaluator evaluator{zone_named("Asia/Shanghai")};
  const auto e = bound_expression_of("behavior = 'buy'");
  const sql_condition condition{e, evaluator};
  const std::vector<sql_row> short_row{sql_row{sql_value::bigint(1)}};
  const auto answer = compiled(condition, short_row);
  CHECK(answer.rfind("error: ", 0) == 0);
  CHECK(answer == evaluated(evaluator, e, short_row));
}

TEST_CASE("DOUBLE NaN equals nothing, and is unequal to everything, compiled too") {
  const sql_row_evaluator evaluator{zone_named("Asia/Shanghai")};
  for (const auto* text : {"CAST(user_id AS DOUBLE) = 1.0", "user_id = 1"}) {
    const auto e = bound_expression_of(text);
    const sql_condition condition{e, evaluator};
    auto row = default_row();
    row[0][0] = sql_value::double_(std::nan(""));
    CHECK(compiled(condition, row) == evaluated(evaluator, e, row));
  }
}

}
