#pragma once

// What the binder's files share (internal to common/sql): the failure
// that ends binding at the first problem, and the script bound so far.

#include "common/sql/sql_bound.hpp"
#include "common/sql/sql_error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Thrown by bind_fail and caught in bind_script: as in the parser, the
/// first error ends binding, so unwinding is all the recovery there is.
struct sql_bind_failure {
  sql_error error;
};

[[noreturn]] inline void bind_fail(source_position at, std::string message,
                                   std::string hint = {}) {
  throw sql_bind_failure{sql_error{at, std::move(message), std::move(hint)}};
}

/// Upper case of ASCII letters: function names and keywords compare so.
std::string ascii_upper(std::string_view text);

/// The names of all tables and views created so far (for hints).
std::vector<std::string> relation_names(const bound_script& script);

/// Binds a CREATE TABLE's WITH options onto `table` (connector, options,
/// settings); warnings go to `warnings` (sql_connector_options.cpp).
void bind_connector_options(const create_table_statement& statement,
                            bound_table& table, std::vector<sql_warning>& warnings);

/// A CREATE TABLE's columns, watermark, key and options (sql_table_binder.cpp).
bound_table bind_create_table(const create_table_statement& statement,
                              std::vector<sql_warning>& warnings);

/// What a table's connector lets a query do with it.
bool can_scan(const bound_table& table);   ///< FROM t
bool can_lookup(const bound_table& table); ///< JOIN t FOR SYSTEM_TIME AS OF
bool can_write(const bound_table& table);  ///< INSERT INTO t

/// "no table x (did you mean ...?)" with a hint for a name that is neither
/// a table nor a view; also suggests a table whose index, table-name or
/// topic is that name (the seed's script names its sink by its index).
[[noreturn]] void fail_no_relation(const bound_script& script,
                                   const sql_identifier& name);

} // namespace ubaflow
