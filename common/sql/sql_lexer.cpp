#include "common/sql/sql_lexer.hpp"

#include <cstdio>

namespace ubaflow {

namespace {

bool is_word_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_word_char(char c) {
  return is_word_start(c) || is_digit(c);
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
         || c == '\v';
}

/// Thrown inside the lexer only; tokenize_sql turns it into the result's
/// error. Keeps every scanning function free of error plumbing.
struct lex_failure {
  sql_error error;
};

/// Scans the script once, left to right, keeping the line and column of the
/// next character.
class sql_scanner {
public:
  explicit sql_scanner(std::string_view text) : text_(text) {
    // nop
  }

  std::vector<sql_token> run() {
    std::vector<sql_token> tokens;
    for (;;) {
      skip_blanks_and_comments();
      if (at_end()) {
        tokens.push_back({token_kind::end_of_input, {}, position_});
        return tokens;
      }
      tokens.push_back(next_token());
    }
  }

private:
  bool at_end() const { return offset_ >= text_.size(); }

  char peek(size_t ahead = 0) const {
    return offset_ + ahead < text_.size() ? text_[offset_ + ahead] : '\0';
  }

  /// Moves past one byte. A column is one character: UTF-8 continuation
  /// bytes (10xxxxxx) do not start a new one.
  void step() {
    const char c = text_[offset_++];
    if (c == '\n') {
      ++position_.line;
      position_.column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++position_.column;
    }
  }

  [[noreturn]] void fail(source_position at, std::string message,
                         std::string hint = {}) const {
    throw lex_failure{{at, std::move(message), std::move(hint)}};
  }

  void skip_blanks_and_comments() {
    for (;;) {
      if (!at_end() && is_blank(peek())) {
        step();
      } else if (peek() == '-' && peek(1) == '-') {
        while (!at_end() && peek() != '\n')
          step();
      } else if (peek() == '/' && peek(1) == '*') {
        const source_position start = position_;
        step();
        step();
        while (!(peek() == '*' && peek(1) == '/')) {
          if (at_end())
            fail(start, "unterminated comment: /* without */");
          step();
        }
        step();
        step();
      } else {
        return;
      }
    }
  }

  sql_token next_token() {
    const source_position start = position_;
    const char c = peek();
    if (is_word_start(c))
      return word(start);
    if (is_digit(c))
      return number(start);
    if (c == '\'')
      return string_literal(start);
    if (c == '`')
      return quoted_identifier(start);
    return symbol(start);
  }

  sql_token word(source_position start) {
    const size_t begin = offset_;
    while (is_word_char(peek()))
      step();
    return {token_kind::identifier,
            std::string{text_.substr(begin, offset_ - begin)}, start};
  }

  sql_token number(source_position start) {
    const size_t begin = offset_;
    auto kind = token_kind::integer_literal;
    while (is_digit(peek()))
      step();
    if (peek() == '.' && is_digit(peek(1))) {
      kind = token_kind::decimal_literal;
      step();
      while (is_digit(peek()))
        step();
    }
    if (is_word_char(peek()) || peek() == '.') {
      while (is_word_char(peek()) || peek() == '.')
        step();
      fail(start,
           "malformed number '" + std::string{text_.substr(begin, offset_ - begin)}
             + "'",
           "numbers are digits with an optional fraction (5, 0.25); "
           "a duration is written INTERVAL '10' MINUTE");
    }
    return {kind, std::string{text_.substr(begin, offset_ - begin)}, start};
  }

  /// Text between `quote`s, a doubled quote standing for one.
  std::string quoted(source_position start, char quote, const char* what,
                     const char* hint) {
    step(); // the opening quote
    std::string value;
    for (;;) {
      if (at_end())
        fail(start, std::string{"unterminated "} + what, hint);
      const char c = peek();
      step();
      if (c == quote) {
        if (peek() != quote)
          return value;
        step();
      }
      value += c;
    }
  }

  sql_token string_literal(source_position start) {
    return {token_kind::string_literal,
            quoted(start, '\'', "string literal",
                   "close it with ' (a quote inside a string is written '')"),
            start};
  }

  sql_token quoted_identifier(source_position start) {
    std::string name
      = quoted(start, '`', "quoted identifier",
               "close it with ` (a backquote inside a name is written ``)");
    if (name.empty())
      fail(start, "empty quoted identifier ``");
    return {token_kind::quoted_identifier, std::move(name), start};
  }

  sql_token symbol(source_position start) {
    const char c = peek();
    const char next = peek(1);
    auto one = [&](token_kind kind) {
      step();
      return sql_token{kind, std::string(1, c), start};
    };
    auto two = [&](token_kind kind) {
      step();
      step();
      return sql_token{kind, std::string{c, next}, start};
    };
    switch (c) {
      case '=': return one(token_kind::equals);
      case '<':
        if (next == '>')
          return two(token_kind::not_equal);
        if (next == '=')
          return two(token_kind::less_equal);
        return one(token_kind::less);
      case '>':
        return next == '=' ? two(token_kind::greater_equal)
                           : one(token_kind::greater);
      case '!':
        if (next == '=')
          return two(token_kind::not_equal);
        break;
      case '|':
        if (next == '|')
          return two(token_kind::concat);
        fail(start, "unexpected character '|'",
             "strings are concatenated with ||");
      case '+': return one(token_kind::plus);
      case '-': return one(token_kind::minus);
      case '*': return one(token_kind::star);
      case '/': return one(token_kind::slash);
      case '%': return one(token_kind::percent);
      case '(': return one(token_kind::left_paren);
      case ')': return one(token_kind::right_paren);
      case ',': return one(token_kind::comma);
      case '.': return one(token_kind::dot);
      case ';': return one(token_kind::semicolon);
      case '"':
        fail(start, "unexpected character '\"'",
             "strings are in single quotes ('text'), names that need quoting "
             "in backquotes (`name`)");
      default: break;
    }
    fail(start, "unexpected character " + describe_character(),
         static_cast<unsigned char>(c) >= 0x80
           ? "outside strings, comments and `quoted names` a script is ASCII"
           : "");
  }

  /// The character at the current offset, quoted: printable ASCII as it
  /// is, a well-formed UTF-8 sequence as it is plus its code point, any
  /// other byte as \xHH.
  std::string describe_character() const {
    const auto lead = static_cast<unsigned char>(peek());
    if (lead >= 0x20 && lead < 0x7F)
      return "'" + std::string(1, static_cast<char>(lead)) + "'";
    size_t length = 0;
    uint32_t code = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      code = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      code = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      code = lead & 0x07;
    }
    for (size_t i = 1; i < length; ++i) {
      const auto byte = static_cast<unsigned char>(peek(i));
      if ((byte & 0xC0) != 0x80) {
        length = 0;
        break;
      }
      code = (code << 6) | (byte & 0x3F);
    }
    char buf[16];
    if (length == 0 || code < 0x80) {
      std::snprintf(buf, sizeof buf, "\\x%02X", lead);
      return "'" + std::string{buf} + "'";
    }
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(code));
    return "'" + std::string{text_.substr(offset_, length)} + "' (" + buf + ")";
  }

  std::string_view text_;
  size_t offset_ = 0;
  source_position position_;
};

} // namespace

lex_result tokenize_sql(std::string_view text) {
  lex_result result;
  try {
    result.tokens = sql_scanner{text}.run();
  } catch (const lex_failure& failure) {
    result.tokens.clear();
    result.error = failure.error;
  }
  return result;
}

} // namespace ubaflow
