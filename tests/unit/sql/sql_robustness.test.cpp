#include "common/sql/sql_parser.hpp"
#include "common/sql/sql_print.hpp"
#include "tests/unit/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>

using namespace ubaflow;

namespace {

const std::string seed_path = UBAFLOW_SOURCE_DIR "/tests/data/sql/seed.sql";

/// Parses `text`; a script that parses must also print and parse again.
/// Either way the result is whole: statements or one error with a position
/// inside (or just past) the text.
void check_any(const std::string& text) {
  auto result = parse_script(text);
  if (result.ok()) {
    auto again = parse_script(print_script(result.statements));
    CHECK_MESSAGE(again.ok(), text);
    return;
  }
  CHECK(result.statements.empty());
  CHECK(result.error->position.line >= 1);
  CHECK(result.error->position.column >= 1);
  CHECK_FALSE(result.error->message.empty());
}

} // namespace

TEST_SUITE("sql.robustness") {
  TEST_CASE("every prefix of the seed's script parses or fails cleanly") {
    const std::string seed = test::read_file(seed_path);
    REQUIRE_FALSE(seed.empty());
    size_t parsed = 0;
    for (size_t length = 0; length <= seed.size(); ++length) {
      const std::string prefix = seed.substr(0, length);
      check_any(prefix);
      parsed += parse_script(prefix).ok() ? 1 : 0;
    }
    CHECK(parsed > 0); // e.g. every prefix ending after a ';'
  }

  TEST_CASE("random byte changes of the seed's script parse or fail cleanly") {
    const std::string seed = test::read_file(seed_path);
    REQUIRE_FALSE(seed.empty());
    std::mt19937 random{20240613};
    std::uniform_int_distribution<size_t> position(0, seed.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    const char interesting[] = "()',;`-*/ .=<>|\n\0";
    std::uniform_int_distribution<size_t> pick(0, sizeof interesting - 1);
    for (int round = 0; round < 3000; ++round) {
      std::string text = seed;
      const int changes = 1 + round % 4;
      for (int i = 0; i < changes; ++i) {
        const size_t at = position(random);
        switch (round % 3) {
          case 0: text[at] = static_cast<char>(byte(random)); break;
          case 1: text[at] = interesting[pick(random)]; break;
          default: text.erase(at, std::min<size_t>(1 + at % 7, text.size() - at));
        }
        if (text.empty())
          break;
        position = std::uniform_int_distribution<size_t>(0, text.size() - 1);
      }
      check_any(text);
      position = std::uniform_int_distribution<size_t>(0, seed.size() - 1);
    }
  }

  TEST_CASE("random sequences of the dialect's words and symbols") {
    // Grammar-shaped noise reaches deeper into the parser than byte flips.
    const char* vocabulary[] = {
      "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT",
      "UNION", "ALL", "DISTINCT", "AS", "JOIN", "LEFT", "ON", "FOR",
      "SYSTEM_TIME", "OF", "TABLE", "TUMBLE", "HOP", "CUMULATE", "DESCRIPTOR",
      "INTERVAL", "'5'", "SECOND", "DAY", "CASE", "WHEN", "THEN", "ELSE", "END",
      "CAST", "INT", "TIMESTAMP", "(3)", "WITH", "LOCAL", "TIME", "ZONE", "AND",
      "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "COUNT", "FILTER",
      "CREATE", "VIEW", "INSERT", "INTO", "WATERMARK", "PRIMARY", "KEY",
      "ENFORCED", "EXECUTE", "STATEMENT", "SET", "BEGIN", "EXTRACT", "ts", "a",
      "t", "`x`", "'s'", "1", "2.5", "(", ")", "(", ")", ",", ".", ";", "*",
      "+", "-", "/", "%", "||", "=", "<>", "<", ">=", "=>", "-- c\n", "/* c */"};
    std::mt19937 random{7};
    std::uniform_int_distribution<size_t> word(0, std::size(vocabulary) - 1);
    std::uniform_int_distribution<int> length(1, 60);
    for (int round = 0; round < 20000; ++round) {
      std::string text;
      for (int i = length(random); i > 0; --i)
        text += std::string{vocabulary[word(random)]} + " ";
      check_any(text);
    }
  }

  TEST_CASE("odd inputs: empty, only separators, only comments, huge lists") {
    check_any("");
    check_any(";;;");
    check_any("-- just a comment");
    check_any(std::string(100000, '('));
    check_any(std::string(100000, ')'));
    check_any(std::string(50000, '\''));
    std::string list = "SELECT a FROM t WHERE a IN (0";
    for (int i = 1; i < 20000; ++i)
      list += ", " + std::to_string(i);
    list += ")";
    CHECK(parse_script(list).ok()); // wide is fine, only deep is bounded
    std::string items = "SELECT a";
    for (int i = 0; i < 5000; ++i)
      items += ", a" + std::to_string(i);
    CHECK(parse_script(items + " FROM t").ok());
  }
}
