#pragma once

// Binding expressions (internal to common/sql): names to columns of the
// query's relations, operators and functions to typed calls, aggregates
// to the query's list of them, window functions to the query's window.
// Split by what is bound: operators and literals (sql_expression_binder
// .cpp), named functions and aggregates (sql_function_binder.cpp), windows
// (sql_window_binder.cpp), names (sql_scope.cpp).

#include "common/sql/sql_ast.hpp"
#include "common/sql/sql_bound.hpp"

#include <string>
#include <vector>

namespace ubaflow {

/// Where an expression stands, which decides what it may contain.
struct expression_context {
  const std::vector<bound_relation>* relations = nullptr;
  /// How many of `relations` it sees (a join's ON sees those joined so far).
  size_t visible_relations = 0;
  /// The clause, for messages: "WHERE", "ON", "GROUP BY", "the select list".
  std::string clause;
  /// Where aggregate calls go; null where aggregates are not allowed.
  std::vector<bound_aggregate>* aggregates = nullptr;
  /// GROUP BY's window, which TUMBLE_START(...) and friends must name.
  const bound_window* window = nullptr;
  bool inside_aggregate = false; ///< an aggregate's argument or FILTER
  bool computed_column = false;  ///< PROCTIME() is allowed
};

bound_expression bind_expression(const sql_expression& expression,
                                 const expression_context& context);

/// Binds and requires a BOOLEAN (WHERE, ON, FILTER, CASE WHEN).
bound_expression bind_condition(const sql_expression& expression,
                                const expression_context& context);

/// A named function or aggregate call (sql_function_binder.cpp).
bound_expression bind_function_call(const sql_expression& expression,
                                    const function_call& call,
                                    const expression_context& context);

/// `column` or `alias.column` among the visible relations (sql_scope.cpp).
bound_expression resolve_column(const column_reference& reference,
                                source_position position,
                                const expression_context& context);

/// The columns `*` or `alias.*` stands for, as column expressions.
std::vector<bound_expression> expand_star(const star_expression& star,
                                          source_position position,
                                          const expression_context& context);

/// A window function in GROUP BY: TUMBLE(ts, size), HOP(ts, slide, size)
/// (sql_window_binder.cpp).
bool is_group_window_call(const sql_expression& expression);
bound_window bind_group_window(const sql_expression& expression,
                               const expression_context& context);

/// TUMBLE_START(ts, size) and friends: the bound of GROUP BY's window.
bool is_window_auxiliary(const std::string& upper_name);
bound_expression bind_window_auxiliary(const sql_expression& expression,
                                       const function_call& call,
                                       const expression_context& context);

/// A positive day-time duration given as INTERVAL 'n' UNIT (`what` names
/// it in messages: "TUMBLE's size").
int64_t bind_interval_ms(const sql_expression& expression, const std::string& what);

/// Whether `e` reads a time attribute (rowtime or proctime) as it is.
bool is_time_attribute(const bound_expression& e);

} // namespace ubaflow
