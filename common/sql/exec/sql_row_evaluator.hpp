#pragma once

// Evaluates a bound expression (sql_bound.hpp) for one row, with Flink's
// semantics for the subset (issue 13). The streaming engine and the batch
// oracle share it, so both compute the same values.
//
//   - NULL: three-valued logic for AND/OR/NOT (FALSE AND NULL is FALSE,
//     TRUE OR NULL is TRUE, otherwise NULL wins); comparisons, arithmetic,
//     ||, LIKE, EXTRACT, HOUR, DATE_FORMAT and CAST of NULL are NULL;
//     x IN (...) is TRUE on a match, else NULL if x or any item is NULL;
//     IS [NOT] NULL is never NULL. AND and OR short-circuit, so
//     `x <> 0 AND 10 / x > 1` never divides by zero.
//   - Errors reject the row (sql_evaluation::error): integer division by
//     zero, a CAST that cannot convert, PROCTIME() (the source fills that
//     column in), a column the row lacks. TRY_CAST gives NULL instead.
//   - Time: a TIMESTAMP is zone-less wall-clock time and is used as it is;
//     a TIMESTAMP_LTZ is an instant, shown (HOUR, EXTRACT, DATE_FORMAT,
//     CAST to STRING or TIMESTAMP) in the job's time zone, which is given
//     to the evaluator.
//
// Two kinds of rows: before the aggregation an expression reads columns
// of the query's relations (relation 0 is the FROM, then one per lookup
// join, all NULLs for a lookup that found nothing); above it, group keys,
// aggregate results and the window's bounds (sql_aggregate_row).

#include "common/sql/exec/sql_value.hpp"
#include "common/sql/exec/sql_window_assigner.hpp"
#include "common/sql/sql_bound.hpp"
#include "common/time/time_zone.hpp"

#include <string>
#include <vector>

namespace ubaflow {

/// One group's output after the aggregation: what group_key, aggregate
/// and window_bound expressions read.
struct sql_aggregate_row {
  /// The values of the query's GROUP BY keys (bound_query::group_keys).
  const sql_row* keys = nullptr;
  /// Each aggregate's result (bound_query::aggregates), in order.
  const sql_row* aggregates = nullptr;
  /// The window fired; null for a query without a window.
  const sql_window* window = nullptr;
};

/// The rows an expression below the aggregation reads: [0] the FROM
/// relation's, then one per lookup join. A view that copies nothing: over
/// a vector of rows, or over pointers to rows held elsewhere (a source's
/// row and the dimension rows a lookup found, read in place).
class sql_relations {
public:
  sql_relations(const std::vector<sql_row>& rows) // NOLINT: a view of them
    : rows_(rows.data()), size_(rows.size()) {}
  sql_relations(const sql_row* const* rows, size_t size)
    : pointers_(rows), size_(size) {}

  size_t size() const { return size_; }
  const sql_row& operator[](size_t i) const {
    return pointers_ ? *pointers_[i] : rows_[i];
  }

private:
  const sql_row* rows_ = nullptr;
  const sql_row* const* pointers_ = nullptr;
  size_t size_ = 0;
};

/// What an expression may read; either part may be absent.
struct sql_evaluation_input {
  const sql_relations* relations = nullptr;
  const sql_aggregate_row* aggregated = nullptr;
};

/// A value, or why there is none: the row is then rejected and counted.
struct sql_evaluation {
  sql_value value;
  std::string error; ///< "line L:C: division by zero"; empty when ok

  bool ok() const { return error.empty(); }
  /// WHERE / FILTER: only TRUE keeps a row (FALSE and NULL drop it).
  bool is_true() const {
    return ok() && value.kind() == sql_value_kind::boolean && value.as_boolean();
  }
};

class sql_row_evaluator {
public:
  /// `zone`: the job's time zone (job.time-zone). The evaluator keeps its
  /// own copy; like time_zone, one evaluator must not be shared between
  /// threads (give each task its own).
  explicit sql_row_evaluator(time_zone zone);

  const time_zone& zone() const { return zone_; }

  sql_evaluation evaluate(const bound_expression& e,
                          const sql_evaluation_input& input) const;

  /// Before the aggregation: over the relations' columns.
  sql_evaluation evaluate(const bound_expression& e,
                          const sql_relations& relations) const {
    return evaluate(e, sql_evaluation_input{&relations, nullptr});
  }

  /// Above the aggregation: over keys, aggregates and the window.
  sql_evaluation evaluate(const bound_expression& e,
                          const sql_aggregate_row& aggregated) const {
    return evaluate(e, sql_evaluation_input{nullptr, &aggregated});
  }

  /// The value `e` reads in place when it is a column of `relations`: no
  /// copy, no evaluation. nullptr for anything else (evaluate it).
  static const sql_value* column_in(const bound_expression& e,
                                    const sql_relations& relations) {
    if (e.kind != bound_expression_kind::column || e.relation >= relations.size())
      return nullptr;
    const auto& row = relations[e.relation];
    return e.column < row.size() ? &row[e.column] : nullptr;
  }

  /// As evaluate(), but throws sql_evaluation_error instead of returning
  /// it: for callers evaluating many expressions of one row.
  sql_value value_of(const bound_expression& e, const sql_evaluation_input& input) const;

private:
  sql_value eval(const bound_expression& e, const sql_evaluation_input& in) const;
  /// eval(), but a column is read in place instead of copied (into
  /// `scratch` otherwise): for operands only compared or read.
  const sql_value& operand(const bound_expression& e, const sql_evaluation_input& in,
                           sql_value& scratch) const;
  sql_value eval_call(const bound_expression& e, const sql_evaluation_input& in) const;
  sql_value eval_logic(const bound_expression& e, const sql_evaluation_input& in) const;
  sql_value eval_predicate(const bound_expression& e, const sql_evaluation_input& in) const;
  sql_value eval_case(const bound_expression& e, const sql_evaluation_input& in) const;
  sql_value eval_time_function(const bound_expression& e,
                               const sql_evaluation_input& in) const;
  /// A TIMESTAMP(_LTZ) or DATE as wall-clock millis in the job's zone.
  int64_t wall_clock(const sql_value& v) const;

  time_zone zone_;
};

} // namespace ubaflow
