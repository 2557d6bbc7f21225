#pragma once

// The state of one aggregate of one group (issue 13): COUNT(*), COUNT(x),
// COUNT(DISTINCT x) (exact), SUM, MIN, MAX, AVG, with Flink's result
// types and semantics:
//   - NULL arguments are skipped (COUNT(*) counts every row it is given);
//     SUM, MIN, MAX and AVG of no value are NULL, the counts are 0;
//   - SUM and AVG keep the argument's family: integers add as Java's long
//     (wrapping) and the result is narrowed to the result type (SUM of
//     INT is INT), AVG of integers is the truncated integer quotient;
//     DOUBLE/FLOAT add as doubles; DECIMAL adds exactly on scaled int64
//     and a sum beyond 18 digits makes the result NULL (Flink: NULL when
//     a decimal overflows its precision);
//   - FILTER (WHERE ...) is the caller's: it evaluates the condition
//     (sql_row_evaluator) and adds only the rows it keeps.
//
// Sources pre-aggregate partial accumulators and the owners merge them, so
// merge(partial) must equal adding the partial's rows (it does, exactly,
// for every function; SUM of DOUBLE up to floating-point rounding order).
// The byte form (checkpoints, the exchange) starts with a format version
// and the function's tag; restore() checks both, bounds every length by
// its input, and refuses anything else without crashing or allocating
// more than the input.

#include "common/sql/exec/sql_distinct_set.hpp"
#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ubaflow {

class sql_accumulator {
public:
  /// The byte form's version: bump it when the layout changes.
  static constexpr uint8_t format_version = 1;

  /// For one of a query's aggregates (bound_query::aggregates).
  explicit sql_accumulator(const bound_aggregate& aggregate);
  /// For `function` of an argument of type `argument` (ignored for
  /// COUNT(*)) giving `result`.
  sql_accumulator(aggregate_function function, const data_type& argument,
                  const data_type& result);

  sql_accumulator(const sql_accumulator& other);
  sql_accumulator& operator=(const sql_accumulator& other);
  sql_accumulator(sql_accumulator&&) noexcept = default;
  sql_accumulator& operator=(sql_accumulator&&) noexcept = default;
  ~sql_accumulator() = default;

  aggregate_function function() const { return function_; }

  /// One row's argument value (COUNT(*) ignores it). A value that is not
  /// of the argument's representation throws std::invalid_argument: the
  /// binder typed the argument, so that is a caller's bug.
  void add(const sql_value& value);

  /// Adds another partial of the same aggregate (std::invalid_argument
  /// for a different function or argument family).
  void merge(const sql_accumulator& other);

  /// The aggregate's value now.
  sql_value result() const;

  /// Appends the byte form to `out`.
  void serialize(std::string& out) const;
  std::string serialize() const {
    std::string out;
    serialize(out);
    return out;
  }

  /// Replaces the state with `bytes` as serialize() wrote them for the
  /// same aggregate. On malformed input returns false, says why in
  /// `error`, and leaves the accumulator empty.
  bool restore(std::string_view bytes, std::string* error = nullptr);

  /// Back to the state of no rows.
  void clear();
  /// An accumulator of the same aggregate holding no rows.
  sql_accumulator fresh() const {
    return sql_accumulator(function_, argument_, result_);
  }

  /// A source's pre-aggregation: a distinct set only collects its values
  /// until it is read or sent (sql_distinct_set::collect_until_read).
  void collect_until_read() {
    if (distinct_)
      distinct_->collect_until_read();
  }
  /// COUNT(DISTINCT)'s set; nullptr for the other functions.
  sql_distinct_set* distinct_set() { return distinct_.get(); }
  const sql_distinct_set* distinct_set() const { return distinct_.get(); }

private:
  /// How SUM and AVG add, from the argument's type.
  enum class family : uint8_t { integer, real, decimal };

  bool read(std::string_view bytes, std::string& why);

  aggregate_function function_;
  family family_ = family::integer;
  data_type argument_;
  data_type result_;
  /// COUNT, COUNT(*): rows counted; SUM, AVG: values added.
  int64_t count_ = 0;
  int64_t integer_sum_ = 0; ///< also DECIMAL's unscaled sum (argument's scale)
  double real_sum_ = 0;
  bool overflow_ = false;   ///< a DECIMAL sum no longer fits: NULL
  sql_value extreme_;       ///< MIN, MAX
  std::unique_ptr<sql_distinct_set> distinct_; ///< COUNT(DISTINCT)
};

} // namespace ubaflow
