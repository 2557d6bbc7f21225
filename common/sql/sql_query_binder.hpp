#pragma once

// Binding queries (internal to common/sql): FROM with lookup joins and
// window table functions, WHERE, GROUP BY with or without a window, the
// select list and its aggregates (sql_query_binder.cpp, sql_from_binder
// .cpp, sql_window_binder.cpp).

#include "common/sql/sql_ast.hpp"
#include "common/sql/sql_bound.hpp"

#include <string>

namespace ubaflow {

/// A query of a view, an INSERT or a subquery, over the tables and views
/// of `script` created so far.
bound_query bind_query(const sql_query& query, const bound_script& script);

/// FROM and JOINs into `query.relations`, `query.joins` and, for a window
/// table function, `query.window` (sql_from_binder.cpp).
void bind_from(const select_block& block, const bound_script& script, bound_query& query);

/// A table or view read by a query, as a relation named `alias`; fails
/// for a table whose connector cannot be read (a sink, a lookup table).
bound_relation scanned_relation(const bound_script& script, const sql_identifier& name);

/// FROM TABLE(TUMBLE|HOP|CUMULATE(TABLE t, DESCRIPTOR(ts), ...)): t's
/// columns plus window_start, window_end and window_time, and the window
/// (sql_window_binder.cpp).
bound_relation bind_window_table_function(const window_table_function& function,
                                          source_position at, const bound_script& script,
                                          bound_window& window);

/// Names of the columns a window table function appends.
inline constexpr const char* window_start_column = "window_start";
inline constexpr const char* window_end_column = "window_end";
inline constexpr const char* window_time_column = "window_time";

} // namespace ubaflow
