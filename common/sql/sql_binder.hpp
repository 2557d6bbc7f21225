#pragma once

// The binder (issue 13): from a parsed script (sql_parser.hpp) to a bound
// one (sql_bound.hpp) whose names are resolved, expressions typed, windows,
// aggregates and lookup joins recognised, connector options mapped onto
// ubaflow's settings and INSERTs checked against their sinks.
//
// Whatever lies outside the subset ubaflow runs is refused here, before a
// job starts: the first problem gives `line L:C: message` and, where it
// helps, a hint (names that do not resolve get the nearest known ones).
// Pure logic: no I/O, and `${VAR}` references in options stay unexpanded.

#include "common/sql/sql_ast.hpp"
#include "common/sql/sql_bound.hpp"
#include "common/sql/sql_error.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace ubaflow {

struct bind_result {
  bound_script script; ///< empty when `error` is set, except warnings
  std::optional<sql_error> error;

  bool ok() const { return !error.has_value(); }
};

/// Binds the statements of one script, in order: a statement sees the
/// tables and views created before it.
bind_result bind_script(const std::vector<sql_statement>& statements);

/// Parses and binds `text`: the parser's error, or the binder's.
bind_result bind_sql(std::string_view text);

} // namespace ubaflow
