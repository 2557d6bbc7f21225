#pragma once

// Splits a SQL script into tokens (sql_token.hpp): words, backquoted
// identifiers, string literals, numbers and operators, skipping blanks and
// comments (`-- to the end of the line` and `/* ... */`). Any input gives
// either the tokens or one error with its position; the lexer never reads
// past its input.

#include "common/sql/sql_error.hpp"
#include "common/sql/sql_token.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace ubaflow {

struct lex_result {
  /// Every token of the script, ending with one end_of_input token (also
  /// when the script is empty). Empty when `error` is set.
  std::vector<sql_token> tokens;
  std::optional<sql_error> error;
};

lex_result tokenize_sql(std::string_view text);

} // namespace ubaflow
