#pragma once

// Filter pushdown (issue 13): the planner's one rewrite. A WHERE conjunct
// that reads only a stage's FROM row moves in front of that stage's
// lookup joins, and on through the views below it (their output columns
// substituted), as far down as it still reads only a FROM row. Rows it
// drops then cost no lookup and no projection: jobs/taobao.sql's
// top_category keeps its buys before the category lookup instead of
// looking up every event and dropping the non-buys afterwards.
//
// Only conjuncts that cannot fail are moved (no division, modulo or CAST,
// no number literal too long to read), and lookups neither add nor change
// a FROM row's values, so the rows that pass are the same whatever order
// the filters run in. A row a moved filter drops is no longer given to a
// conjunct that could fail on it (dropped rather than rejected: Flink's
// pushdown does the same). Pure logic over the plan.

#include "common/sql/sql_plan.hpp"

namespace ubaflow {

/// Moves the query's movable conjuncts into sql_row_stage::before_joins,
/// innermost as far as possible. Result stages (above the aggregation)
/// are left as they are.
void push_filters_down(sql_query_plan& query);

} // namespace ubaflow
