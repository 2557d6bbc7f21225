#pragma once

// The planner (issue 13): from a bound script (sql_binder.hpp) to the plan
// of one job (sql_plan.hpp). Every INSERT of the script becomes one query
// of the job; queries over the same source table share its read.
//
// It refuses, with the position of the query and a hint, what the shape
// cannot run: a query that aggregates an aggregate, a FROM that is not a
// streaming source (a JDBC or Elasticsearch table read as a stream), an
// updating query into a sink without a primary key. Pure logic.

#include "common/sql/sql_bound.hpp"
#include "common/sql/sql_error.hpp"
#include "common/sql/sql_plan.hpp"

#include <optional>
#include <vector>

namespace ubaflow {

struct plan_result {
  sql_plan plan; ///< empty when `error` is set
  std::optional<sql_error> error;

  bool ok() const { return !error.has_value(); }
};

/// How the planner may rewrite the queries.
struct plan_options {
  /// Move filters in front of the lookups and down through views
  /// (sql_filter_pushdown.hpp). Off: each filter where it is written, as
  /// a savepoint's state layout is computed (what the state holds does not
  /// depend on where filters run).
  bool push_filters = true;
};

plan_result plan_script(const bound_script& script, plan_options options = {});

/// The tables (bound_script::tables) the plan's queries look up, once
/// each, in order of first use.
std::vector<uint32_t> joined_tables(const sql_plan& plan);

} // namespace ubaflow
