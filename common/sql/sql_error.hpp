#pragma once

// The one error a SQL script gets: the first problem the lexer or the
// parser meets, with its position, what is wrong and, where it helps, what
// to write instead.

#include "common/sql/sql_token.hpp"

#include <string>

namespace ubaflow {

struct sql_error {
  source_position position;
  std::string message; ///< what is wrong, e.g. "expected ')', found ';'"
  std::string hint;    ///< empty, or what to write instead

  /// `line L:C: <message>` and, with a hint, `; hint: <hint>`.
  std::string to_string() const {
    std::string out = "line " + std::to_string(position.line) + ":"
                      + std::to_string(position.column) + ": " + message;
    if (!hint.empty())
      out += "; hint: " + hint;
    return out;
  }
};

} // namespace ubaflow
