#pragma once

// The row side of one planned query (issue 13): a source row through the
// query's row stages (computed columns, the views' and the query's lookup
// joins, WHERE and projections) up to what its aggregation groups, or, for
// a query without one, to the row its sink gets. Runs in the source task
// of the streaming engine and in the batch executor alike.

#include "common/sql/exec/sql_condition.hpp"
#include "common/sql/exec/sql_dimension_index.hpp"
#include "common/sql/exec/sql_row_evaluator.hpp"
#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"
#include "common/sql/sql_plan.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ubaflow {

/// Where a query's rows go and where its rejections are counted.
struct sql_row_handlers {
  /// A row for the aggregation: the aggregating query's relations (FROM
  /// row, then one row per lookup join).
  std::function<void(const sql_relations& relations)> aggregate;
  /// A finished row of a query without aggregation, in the query's
  /// output order.
  std::function<void(sql_row row)> output;
  /// A row whose expression failed: rejected and counted, with why.
  std::function<void(const std::string& why)> reject;
};

class sql_query_rows {
public:
  /// `dimensions`: the lookup tables' rows by table index
  /// (bound_script::tables); they must outlive this object.
  sql_query_rows(const bound_script& script, const sql_query_plan& query,
                 const std::map<uint32_t, std::vector<sql_row>>& dimensions,
                 const sql_row_evaluator& evaluator, sql_row_handlers handlers);

  /// One row of the source table's physical columns, in declared order;
  /// PROCTIME() columns get `processing_time_ms`.
  void feed(const sql_row& physical, int64_t processing_time_ms);

  /// One row with every column of the source table, computed ones too
  /// (with_computed_columns): what a source task hands each of its queries
  /// after computing the row once.
  void feed_complete(const sql_row& row);

  /// The dimension rows were replaced (read again): the lookup indexes
  /// built over them are dropped and rebuilt at the next lookup.
  void forget_dimension_indexes() {
    for (auto& stage : indexes_)
      for (auto& index : stage)
        index.reset();
  }

  /// `physical` with the table's computed columns after it, into `row`
  /// (its buffer reused); false, with the reason given to `reject`, when
  /// one fails.
  static bool
  with_computed_columns(const bound_table& table, const sql_row& physical,
                        int64_t processing_time_ms,
                        const sql_row_evaluator& evaluator,
                        const std::function<void(const std::string&)>& reject,
                        sql_row& row);
  /// The computed columns of `row` (every column of `table`, the physical
  /// ones in place), evaluated over the physical ones; false, with the
  /// reason given to `reject`, when one fails.
  static bool
  fill_computed_columns(const bound_table& table, int64_t processing_time_ms,
                        const sql_row_evaluator& evaluator,
                        const std::function<void(const std::string&)>& reject,
                        sql_row& row);
  /// The indexes of `table`'s computed columns (a source task fills only
  /// these per row, with fill_computed_column).
  static std::vector<uint32_t> computed_columns(const bound_table& table);
  /// Computed column `c` of `row`, as fill_computed_columns fills it.
  static bool
  fill_computed_column(const bound_table& table, size_t c,
                       int64_t processing_time_ms,
                       const sql_row_evaluator& evaluator,
                       const std::function<void(const std::string&)>& reject,
                       sql_row& row);

private:
  const sql_dimension_index& index_for(size_t stage, size_t join);
  void run_stage(size_t n, const sql_row& row);
  void join(size_t n, size_t j, std::vector<const sql_row*>& relations);
  bool passes(const std::optional<sql_condition>& condition,
              const sql_relations& relations);

  const bound_script& script_;
  const sql_query_plan& query_;
  const std::map<uint32_t, std::vector<sql_row>>& dimensions_;
  const sql_row_evaluator& evaluator_;
  sql_row_handlers handlers_;
  /// Per stage and lookup, its dimension's index, built when first probed.
  std::vector<std::vector<std::optional<sql_dimension_index>>> indexes_;
  /// Per stage, its conditions compiled: the WHERE pushed before the
  /// lookups and the WHERE after them.
  std::vector<std::optional<sql_condition>> before_joins_;
  std::vector<std::optional<sql_condition>> where_;
  std::string why_; ///< a condition's error, reused
  /// One stage without lookups that feeds the aggregation: feed_complete()
  /// checks its conditions and hands the row over directly.
  bool direct_aggregate_ = false;
  /// Per stage, the relations of the row being run, by pointer: the FROM
  /// row and the dimension rows a lookup found are read in place, not
  /// copied.
  std::vector<std::vector<const sql_row*>> relations_;
  /// Per stage and relation, a row of NULLs: what a LEFT lookup that found
  /// nothing gives.
  std::vector<std::vector<sql_row>> null_rows_;
  sql_row key_; ///< a lookup's key, reused: no allocation per row
};

/// The outputs' values over `input` (relations or an aggregated row), or
/// nothing when one fails (then `reject` is told why).
template <class Input>
std::optional<sql_row>
project_outputs(const sql_row_evaluator& evaluator,
                const std::vector<bound_output>& outputs, const Input& input,
                const std::function<void(const std::string&)>& reject) {
  sql_row row;
  row.reserve(outputs.size());
  for (const auto& output : outputs) {
    auto value = evaluator.evaluate(output.value, input);
    if (!value.ok()) {
      reject(value.error);
      return std::nullopt;
    }
    row.push_back(std::move(value.value));
  }
  return row;
}

} // namespace ubaflow
