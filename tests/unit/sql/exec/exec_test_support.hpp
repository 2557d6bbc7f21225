#pragma once

// Helpers of the SQL execution tests (tests/unit/sql/exec): expressions
// bound from real SQL over the binder tests' prelude (table ub: user_id,
// item_id, category_id BIGINT, behavior STRING, ts TIMESTAMP(3), proctime),
// rows of ub, and the job zones the tests compare.

#include "common/sql/exec/sql_row_evaluator.hpp"
#include "common/time/civil.hpp"
#include "tests/unit/sql/binder_test_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace ubaflow::test {

/// `expression` bound as the one column of a view over ub (a script needs
/// an INSERT to bind, hence the second statement).
inline bound_expression bound_expression_of(const std::string& expression) {
  auto script = bound_after_prelude("CREATE VIEW v AS SELECT " + expression
                                    + " AS x FROM ub; INSERT INTO per_key SELECT behavior, "
                                      "user_id FROM ub;");
  REQUIRE(script.views.size() == 1);
  return script.views.front().query.outputs.at(0).value;
}

inline time_zone zone_named(const std::string& name) {
  std::string error;
  auto zone = time_zone::load(name, &error);
  REQUIRE_MESSAGE(zone.has_value(), error);
  return *zone;
}

/// Local millis of "yyyy-MM-dd HH:mm:ss".
inline int64_t at_local(int year, int month, int day, int hour = 0, int minute = 0,
                        int second = 0, int millis = 0) {
  civil_fields f;
  f.year = year;
  f.month = month;
  f.day = day;
  f.hour = hour;
  f.minute = minute;
  f.second = second;
  f.millis = millis;
  return from_civil(f);
}

/// One row of ub: user_id, item_id, category_id, behavior, ts, proctime.
inline std::vector<sql_row> ub_row(sql_value user_id, sql_value behavior, sql_value ts,
                                   sql_value category_id = sql_value::bigint(7)) {
  return {sql_row{std::move(user_id), sql_value::bigint(100), std::move(category_id),
                  std::move(behavior), std::move(ts), sql_value::timestamp_ltz(0)}};
}

inline std::vector<sql_row> default_row() {
  return ub_row(sql_value::bigint(42), sql_value::string("buy"),
                sql_value::timestamp(at_local(2017, 11, 26, 10, 15, 30, 250)));
}

/// A page view of `user` at `ts` (local millis), as a row of ub.
inline std::vector<sql_row> visit(int64_t user, int64_t ts) {
  return ub_row(sql_value::bigint(user), sql_value::string("pv"),
                sql_value::timestamp(ts));
}

/// (window end, the aggregate) of fired rows of a query whose outputs are
/// window start, window end and one BIGINT aggregate.
inline std::vector<std::pair<int64_t, int64_t>>
ends_and_counts(const std::vector<sql_row>& rows) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const auto& row : rows)
    out.emplace_back(row.at(1).as_millis(), row.at(2).as_bigint());
  return out;
}

/// The expression evaluated over `row` in `zone` (default Asia/Shanghai).
inline sql_evaluation evaluate_sql(const std::string& expression,
                                   const std::vector<sql_row>& row = default_row(),
                                   const std::string& zone = "Asia/Shanghai") {
  const sql_row_evaluator evaluator{zone_named(zone)};
  return evaluator.evaluate(bound_expression_of(expression), row);
}

/// The value as text (sql_value::to_text), or "error: ..." for a failure.
inline std::string eval_text(const std::string& expression,
                             const std::vector<sql_row>& row = default_row(),
                             const std::string& zone = "Asia/Shanghai") {
  const auto result = evaluate_sql(expression, row, zone);
  return result.ok() ? result.value.to_text() : "error: " + result.error;
}

} // namespace ubaflow::test
