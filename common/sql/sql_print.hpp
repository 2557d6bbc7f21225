#pragma once

// Renders a syntax tree (sql_ast.hpp) back to SQL in one canonical form:
// keywords and function names in upper case, names as written (in
// backquotes where they must be), one clause per line, the fewest
// parentheses the operators' precedence needs. Parsing the text again
// gives the same tree, so printing is stable (print(parse(print(x))) ==
// print(x)); `ubaflow sql` shows queries this way.

#include "common/sql/sql_ast.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Every statement followed by ';' and a line break, with a blank line
/// between statements.
std::string print_script(const std::vector<sql_statement>& statements);

/// One statement, without the ';'.
std::string print_statement(const sql_statement& statement);

/// One INSERT (also one of a statement set's), without the ';'.
std::string print_insert_statement(const insert_statement& insert);

/// A query; every line after the first starts with `indent`.
std::string print_query(const sql_query& query, const std::string& indent = {});

std::string print_expression(const sql_expression& expression);

std::string print_type(const sql_type& type);

/// A name as SQL: unchanged if it is a plain word that is not a keyword,
/// else in backquotes (a backquote inside doubled).
std::string quote_identifier(std::string_view name);

/// A string literal: in single quotes, a quote inside doubled.
std::string quote_string(std::string_view text);

} // namespace ubaflow
