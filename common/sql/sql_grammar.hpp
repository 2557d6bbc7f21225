#pragma once

// The grammar's entry points, one per kind of phrase, shared by the
// parser's files (internal to common/sql): expressions
// (sql_expression_parser.cpp), types (sql_type_parser.cpp), queries
// (sql_query_parser.cpp) and statements (sql_parser.cpp). Each reads from
// the cursor's current token and fails through it.

#include "common/sql/sql_ast.hpp"
#include "common/sql/sql_token_cursor.hpp"

#include <optional>

namespace ubaflow {

/// Any expression (OR is the loosest operator).
sql_expression_ptr read_expression(token_cursor& cursor);

/// A column or CAST type: INT, DECIMAL(10, 2), TIMESTAMP(3) WITH LOCAL
/// TIME ZONE, ...
sql_type read_type(token_cursor& cursor);

/// SELECT ... [UNION ALL SELECT ...] [ORDER BY ...] [LIMIT n], or one in
/// parentheses.
sql_query_ptr read_query(token_cursor& cursor);

/// Whether a query starts here: SELECT, or '(' before one.
bool at_query_start(const token_cursor& cursor);

/// The unit a word names (singular or plural: SECOND, MINUTES, ...).
std::optional<time_unit> time_unit_named(const sql_token& token);

/// Fails if the cursor is at `name =>` (a named argument: Flink allows
/// them in calls, ubaflow's dialect does not).
void refuse_named_argument(const token_cursor& cursor);

} // namespace ubaflow
