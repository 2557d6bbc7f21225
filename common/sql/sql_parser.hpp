#pragma once

// Parses a SQL script in ubaflow's dialect (the seed's Flink SQL subset,
// issue 13) into its syntax tree (sql_ast.hpp): CREATE TABLE, CREATE VIEW,
// INSERT INTO, statement sets and bare queries, separated by ';'.
//
// Anything outside the subset is refused with its position, what is not
// supported and, where it helps, a hint; the first problem ends the parse.
// Any input, however malformed, gives a result: nesting is bounded
// (sql_max_nesting_depth, sql_max_expression_height), every step consumes
// input, and nothing recurses past those bounds.

#include "common/sql/sql_ast.hpp"
#include "common/sql/sql_error.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Most parentheses, subqueries and calls nested in one another.
inline constexpr uint32_t sql_max_nesting_depth = 200;

/// Highest expression tree (sql_expression::height): bounds chains such as
/// `a OR b OR ...` that the parser reads in a loop but that later passes
/// walk recursively.
inline constexpr uint32_t sql_max_expression_height = 1000;

struct parse_result {
  std::vector<sql_statement> statements; ///< empty when `error` is set
  std::optional<sql_error> error;

  bool ok() const { return !error.has_value(); }
};

/// The statements of a script, or its first error.
parse_result parse_script(std::string_view text);

struct expression_parse_result {
  sql_expression_ptr expression; ///< null when `error` is set
  std::optional<sql_error> error;
};

/// One expression and nothing after it (for tests and tools that take an
/// expression on its own, such as a filter given on the command line).
expression_parse_result parse_sql_expression(std::string_view text);

} // namespace ubaflow
