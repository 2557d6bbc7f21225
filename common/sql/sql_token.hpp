#pragma once

// The tokens of ubaflow's SQL dialect (the seed's Flink SQL subset, issue
// 13), as the lexer (sql_lexer.hpp) produces them for the parser.

#include <cstdint>
#include <string>
#include <string_view>

namespace ubaflow {

/// Where a token or an AST node starts in the script: 1-based line and
/// column. Columns count characters (UTF-8 code points), not bytes, so they
/// match what an editor shows on lines with Chinese comments; a tab counts
/// as one.
struct source_position {
  uint32_t line = 1;
  uint32_t column = 1;
};

enum class token_kind : uint8_t {
  end_of_input,
  identifier,        ///< a word: a name or a keyword (keywords are not
                     ///< reserved by the lexer; the parser decides)
  quoted_identifier, ///< `name`: always a name, never a keyword
  string_literal,    ///< 'text'; `text` holds the value ('' decoded)
  integer_literal,   ///< digits
  decimal_literal,   ///< digits '.' digits
  equals,            ///< =
  not_equal,         ///< <> or !=
  less,              ///< <
  less_equal,        ///< <=
  greater,           ///< >
  greater_equal,     ///< >=
  plus,              ///< +
  minus,             ///< -
  star,              ///< *
  slash,             ///< /
  percent,           ///< %
  concat,            ///< ||
  left_paren,        ///< (
  right_paren,       ///< )
  comma,             ///< ,
  dot,               ///< .
  semicolon,         ///< ;
};

struct sql_token {
  token_kind kind = token_kind::end_of_input;
  /// Identifiers as written (case kept), a string literal's value, a
  /// number's digits, an operator's spelling.
  std::string text;
  source_position position;

  /// Whether this is the unquoted word `upper_keyword` (given in upper
  /// case), compared without regard to case: keywords are case-insensitive.
  bool is_keyword(std::string_view upper_keyword) const {
    if (kind != token_kind::identifier || text.size() != upper_keyword.size())
      return false;
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c >= 'a' && c <= 'z')
        c = static_cast<char>(c - 'a' + 'A');
      if (c != upper_keyword[i])
        return false;
    }
    return true;
  }
};

} // namespace ubaflow
