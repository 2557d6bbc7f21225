#pragma once

// The parser's view of the tokens (internal to common/sql): looking ahead,
// matching keywords and symbols, failing with a positioned message, and the
// bounds on nesting. The grammar functions (sql_grammar.hpp) read through
// one cursor.

#include "common/sql/sql_ast.hpp"
#include "common/sql/sql_error.hpp"
#include "common/sql/sql_token.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Thrown by token_cursor::fail and caught where parsing started (the
/// public functions of sql_parser.hpp): a syntax error ends the parse, so
/// unwinding is the whole of error recovery.
struct sql_syntax_failure {
  sql_error error;
};

/// Whether `word` is reserved: it cannot be an unquoted table, column or
/// alias name, so that e.g. `SELECT a FROM t WHERE` never takes WHERE for
/// an alias.
bool is_reserved_word(std::string_view word);

class token_cursor {
public:
  /// `tokens` end with an end_of_input token (tokenize_sql's output).
  explicit token_cursor(std::vector<sql_token> tokens);

  /// The token `ahead` positions on; the end token past the end.
  const sql_token& peek(size_t ahead = 0) const;
  /// Moves past the current token (never past the end) and returns it.
  const sql_token& advance();

  bool at(token_kind kind) const { return peek().kind == kind; }
  bool at_keyword(std::string_view upper) const {
    return peek().is_keyword(upper);
  }
  /// Consumes the current token if it is `kind` / the keyword `upper`.
  bool accept(token_kind kind);
  bool accept_keyword(std::string_view upper);

  /// The current token if it is `kind`, else fails with "expected <what>".
  const sql_token& expect(token_kind kind, std::string_view what);
  void expect_keyword(std::string_view upper);

  /// A name: an unreserved word or a backquoted one. `what` says which
  /// ("a table name") in the error.
  sql_identifier expect_name(std::string_view what);
  /// Whether the current token can be a name.
  bool at_name() const;

  [[noreturn]] void fail(source_position at, std::string message,
                         std::string hint = {}) const;
  /// Fails with "expected <what>, found <current token>".
  [[noreturn]] void fail_expected(std::string_view what,
                                  std::string hint = {}) const;

  /// How a token reads in a message: keyword FROM, 'name', `name`,
  /// string 'text', number 5, ';', end of input.
  static std::string describe(const sql_token& token);

  /// Counts one level of nesting for as long as it lives; fails past
  /// sql_max_nesting_depth.
  class nesting_guard {
  public:
    nesting_guard(token_cursor& cursor, source_position at);
    ~nesting_guard() { --cursor_.depth_; }
    nesting_guard(const nesting_guard&) = delete;
    nesting_guard& operator=(const nesting_guard&) = delete;

  private:
    token_cursor& cursor_;
  };

  /// A new expression node at `at`, its height computed from its operands;
  /// fails past sql_max_expression_height.
  sql_expression_ptr build(source_position at, sql_expression_node node) const;

private:
  std::vector<sql_token> tokens_;
  size_t index_ = 0;
  uint32_t depth_ = 0;
};

} // namespace ubaflow
