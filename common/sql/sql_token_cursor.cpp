#include "common/sql/sql_token_cursor.hpp"

#include "common/sql/sql_parser.hpp"

#include <algorithm>
#include <iterator>

namespace ubaflow {

namespace {

/// Words that start or end a clause, join or operator, so they can never
/// be an unquoted name. Upper case, sorted for binary search.
constexpr std::string_view reserved_words[] = {
  "ALL", "AND", "AS", "BETWEEN", "BY", "CASE",
  "CAST", "CREATE", "CROSS", "DISTINCT", "ELSE", "END",
  "ESCAPE", "EXCEPT", "EXISTS", "FALSE", "FETCH", "FILTER",
  "FOR", "FROM", "FULL", "GROUP", "HAVING", "IN",
  "INNER", "INSERT", "INTERSECT", "INTERVAL", "INTO", "IS",
  "JOIN", "LATERAL", "LEFT", "LIKE", "LIMIT", "MATCH_RECOGNIZE",
  "MINUS", "NATURAL", "NOT", "NULL", "OFFSET", "ON",
  "OR", "ORDER", "OUTER", "OVER", "RIGHT", "SELECT",
  "TABLE", "THEN", "TRUE", "UNION", "USING", "VALUES",
  "WHEN", "WHERE", "WINDOW", "WITH",
};

/// std::is_sorted is constexpr only from C++20; this one lets the order be
/// checked at compile time in C++17.
constexpr bool reserved_words_sorted() {
  for (size_t i = 1; i < std::size(reserved_words); ++i)
    if (!(reserved_words[i - 1] < reserved_words[i]))
      return false;
  return true;
}

std::string to_upper(std::string_view word) {
  std::string out{word};
  for (char& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

/// Long strings and names are cut in messages so one line stays readable.
std::string shortened(const std::string& text) {
  constexpr size_t max_shown = 40;
  return text.size() <= max_shown ? text : text.substr(0, max_shown) + "...";
}

} // namespace

bool is_reserved_word(std::string_view word) {
  static_assert(reserved_words_sorted(), "reserved_words must stay sorted");
  return std::binary_search(std::begin(reserved_words), std::end(reserved_words),
                            std::string_view{to_upper(word)});
}

token_cursor::token_cursor(std::vector<sql_token> tokens)
  : tokens_(std::move(tokens)) {
  if (tokens_.empty() || tokens_.back().kind != token_kind::end_of_input)
    tokens_.push_back({token_kind::end_of_input, {}, {}});
}

const sql_token& token_cursor::peek(size_t ahead) const {
  return tokens_[std::min(index_ + ahead, tokens_.size() - 1)];
}

const sql_token& token_cursor::advance() {
  const sql_token& current = tokens_[index_];
  if (index_ + 1 < tokens_.size())
    ++index_;
  return current;
}

bool token_cursor::accept(token_kind kind) {
  if (!at(kind))
    return false;
  advance();
  return true;
}

bool token_cursor::accept_keyword(std::string_view upper) {
  if (!at_keyword(upper))
    return false;
  advance();
  return true;
}

const sql_token& token_cursor::expect(token_kind kind, std::string_view what) {
  if (!at(kind))
    fail_expected(what);
  return advance();
}

void token_cursor::expect_keyword(std::string_view upper) {
  if (!accept_keyword(upper))
    fail_expected(upper);
}

bool token_cursor::at_name() const {
  const sql_token& token = peek();
  return token.kind == token_kind::quoted_identifier
         || (token.kind == token_kind::identifier
             && !is_reserved_word(token.text));
}

sql_identifier token_cursor::expect_name(std::string_view what) {
  const sql_token& token = peek();
  if (token.kind == token_kind::identifier && is_reserved_word(token.text))
    fail(token.position,
         "expected " + std::string{what} + ", found keyword "
           + to_upper(token.text),
         "if " + to_upper(token.text) + " is meant as a name, write it in "
           "backquotes: `" + token.text + "`");
  if (!at_name())
    fail_expected(what);
  advance();
  return {token.text, token.position};
}

void token_cursor::fail(source_position at, std::string message,
                        std::string hint) const {
  throw sql_syntax_failure{{at, std::move(message), std::move(hint)}};
}

void token_cursor::fail_expected(std::string_view what, std::string hint) const {
  fail(peek().position,
       "expected " + std::string{what} + ", found " + describe(peek()),
       std::move(hint));
}

std::string token_cursor::describe(const sql_token& token) {
  switch (token.kind) {
    case token_kind::end_of_input: return "end of input";
    case token_kind::identifier:
      if (is_reserved_word(token.text))
        return "keyword " + to_upper(token.text);
      return "'" + shortened(token.text) + "'";
    case token_kind::quoted_identifier: return "`" + shortened(token.text) + "`";
    case token_kind::string_literal:
      return "string '" + shortened(token.text) + "'";
    case token_kind::integer_literal:
    case token_kind::decimal_literal: return "number " + shortened(token.text);
    default: return "'" + token.text + "'";
  }
}

token_cursor::nesting_guard::nesting_guard(token_cursor& cursor,
                                           source_position at)
  : cursor_(cursor) {
  if (cursor_.depth_ >= sql_max_nesting_depth)
    cursor_.fail(at,
                 "nesting deeper than "
                   + std::to_string(sql_max_nesting_depth)
                   + " levels (parentheses, subqueries, calls)",
                 "split the query into views");
  ++cursor_.depth_;
}

sql_expression_ptr token_cursor::build(source_position at,
                                       sql_expression_node node) const {
  auto expression = std::make_unique<sql_expression>();
  expression->position = at;
  expression->node = std::move(node);
  uint32_t highest = 0;
  for_each_operand(*expression, [&](const sql_expression& operand) {
    highest = std::max(highest, operand.height);
  });
  expression->height = highest + 1;
  if (expression->height > sql_max_expression_height)
    fail(at,
         "expression deeper than "
           + std::to_string(sql_max_expression_height) + " operators",
         "a long list of alternatives is written x IN (a, b, ...)");
  return expression;
}

} // namespace ubaflow
