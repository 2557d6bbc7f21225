#include "common/sql/sql_lexer.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ubaflow;

namespace {

std::vector<sql_token> tokens_of(std::string_view text) {
  auto result = tokenize_sql(text);
  REQUIRE_MESSAGE(!result.error, result.error->to_string());
  return result.tokens;
}

std::vector<token_kind> kinds_of(std::string_view text) {
  std::vector<token_kind> kinds;
  for (const auto& token : tokens_of(text))
    kinds.push_back(token.kind);
  return kinds;
}

std::string error_of(std::string_view text) {
  auto result = tokenize_sql(text);
  REQUIRE(result.error);
  CHECK(result.tokens.empty());
  return result.error->to_string();
}

} // namespace

TEST_SUITE("sql.lexer") {
  TEST_CASE("an empty script is one end token") {
    const auto tokens = tokens_of("  -- nothing\n /* at all */ ");
    REQUIRE(tokens.size() == 1);
    CHECK(tokens[0].kind == token_kind::end_of_input);
    CHECK(tokens[0].position.line == 2);
    CHECK(tokens[0].position.column == 15);
  }

  TEST_CASE("words keep their case; keywords match without it") {
    const auto tokens = tokens_of("Select user_id FROM t2");
    REQUIRE(tokens.size() == 5);
    CHECK(tokens[0].text == "Select");
    CHECK(tokens[0].is_keyword("SELECT"));
    CHECK(tokens[1].text == "user_id");
    CHECK_FALSE(tokens[1].is_keyword("USER"));
    CHECK(tokens[3].text == "t2");
  }

  TEST_CASE("backquoted identifiers are names, never keywords") {
    const auto tokens = tokens_of("`select` `a``b` `with space`");
    REQUIRE(tokens.size() == 4);
    CHECK(tokens[0].kind == token_kind::quoted_identifier);
    CHECK(tokens[0].text == "select");
    CHECK_FALSE(tokens[0].is_keyword("SELECT"));
    CHECK(tokens[1].text == "a`b");
    CHECK(tokens[2].text == "with space");
  }

  TEST_CASE("string literals decode doubled quotes and keep UTF-8") {
    const auto tokens = tokens_of("'it''s' '' '父类目' '${MYSQL_PASSWORD}'");
    REQUIRE(tokens.size() == 5);
    CHECK(tokens[0].kind == token_kind::string_literal);
    CHECK(tokens[0].text == "it's");
    CHECK(tokens[1].text.empty());
    CHECK(tokens[2].text == "父类目");
    CHECK(tokens[3].text == "${MYSQL_PASSWORD}");
  }

  TEST_CASE("numbers: integers and decimals") {
    const auto tokens = tokens_of("5 0.25 007");
    CHECK(tokens[0].kind == token_kind::integer_literal);
    CHECK(tokens[0].text == "5");
    CHECK(tokens[1].kind == token_kind::decimal_literal);
    CHECK(tokens[1].text == "0.25");
    CHECK(tokens[2].text == "007");
    CHECK(error_of("10.").find("malformed number '10.'") != std::string::npos);
  }

  TEST_CASE("every operator") {
    using k = token_kind;
    CHECK(kinds_of("= <> != < <= > >= + - * / % || ( ) , . ;")
          == std::vector<k>{k::equals, k::not_equal, k::not_equal, k::less,
                            k::less_equal, k::greater, k::greater_equal, k::plus,
                            k::minus, k::star, k::slash, k::percent, k::concat,
                            k::left_paren, k::right_paren, k::comma, k::dot,
                            k::semicolon, k::end_of_input});
    CHECK(kinds_of("a-b") == std::vector<k>{k::identifier, k::minus, k::identifier,
                                            k::end_of_input});
  }

  TEST_CASE("comments are skipped, a line comment ends at the line break") {
    using k = token_kind;
    CHECK(kinds_of("a -- b\nc /* d\n e */ f--")
          == std::vector<k>{k::identifier, k::identifier, k::identifier,
                            k::end_of_input});
    CHECK(kinds_of("a/**/b") == std::vector<k>{k::identifier, k::identifier,
                                               k::end_of_input});
  }

  TEST_CASE("positions are 1-based lines and characters, not bytes") {
    const auto tokens = tokens_of("a,\n  -- 注释\n  -- 用户ID\n\tbc 'x'\n'中文' d");
    REQUIRE(tokens.size() == 7);
    CHECK(tokens[0].position.line == 1);
    CHECK(tokens[0].position.column == 1);
    CHECK(tokens[1].position.column == 2);
    CHECK(tokens[2].position.line == 4);
    CHECK(tokens[2].position.column == 2); // a tab is one column
    CHECK(tokens[3].position.column == 5);
    CHECK(tokens[4].position.line == 5);
    CHECK(tokens[5].position.line == 5);
    CHECK(tokens[5].position.column == 6); // '中文' is four characters
  }

  TEST_CASE("errors carry the position where the problem starts") {
    CHECK(error_of("SELECT 'abc") ==
          "line 1:8: unterminated string literal; hint: close it with ' (a "
          "quote inside a string is written '')");
    CHECK(error_of("a\n  /* never closed") ==
          "line 2:3: unterminated comment: /* without */");
    CHECK(error_of("SELECT `abc") ==
          "line 1:8: unterminated quoted identifier; hint: close it with ` (a "
          "backquote inside a name is written ``)");
    CHECK(error_of("x ``") == "line 1:3: empty quoted identifier ``");
    CHECK(error_of("SELECT a # b") == "line 1:10: unexpected character '#'");
    CHECK(error_of("SELECT \"a\"") ==
          "line 1:8: unexpected character '\"'; hint: strings are in single "
          "quotes ('text'), names that need quoting in backquotes (`name`)");
    CHECK(error_of("a | b") ==
          "line 1:3: unexpected character '|'; hint: strings are concatenated "
          "with ||");
    CHECK(error_of("SELECT a，b") ==
          "line 1:9: unexpected character '，' (U+FF0C); hint: outside strings, "
          "comments and `quoted names` a script is ASCII");
    CHECK(error_of(std::string_view{"a\0b", 3}) ==
          "line 1:2: unexpected character '\\x00'");
    CHECK(error_of("a \xFF") == "line 1:3: unexpected character '\\xFF'; hint: "
                                "outside strings, comments and `quoted names` a "
                                "script is ASCII");
    CHECK(error_of("LIMIT 10min") ==
          "line 1:7: malformed number '10min'; hint: numbers are digits with an "
          "optional fraction (5, 0.25); a duration is written INTERVAL '10' MINUTE");
    CHECK(error_of("1.2.3") .find("malformed number '1.2.3'") != std::string::npos);
    CHECK(error_of("a ! b") == "line 1:3: unexpected character '!'");
  }
}
