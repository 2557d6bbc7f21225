#include "worker/parse/json_reader.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;

namespace {

/// read_digit_string over `text` (a JSON string at its start): the value,
/// or -1 when it refused, and whether the cursor moved only then.
int64_t digit_string(const std::string& text, std::string* rest = nullptr) {
  json_reader in{text};
  int64_t value = 0;
  std::string_view digits;
  if (!in.read_digit_string(value, digits)) {
    CHECK(in.rest() == text); // left unread for read_string
    return -1;
  }
  CHECK(digits == std::string_view(text).substr(1, digits.size()));
  if (rest)
    *rest = std::string(in.rest()); // `text` may be a temporary
  return value;
}

} // namespace

TEST_CASE("json_reader: a string of digits is read as its value in one pass") {
  // Every length from 1 to 18 digits, each with the record's rest after it
  // (the one-word path) and at the very end of the input (the loop).
  std::string digits;
  int64_t expected = 0;
  for (int length = 1; length <= 18; ++length) {
    const char digit = static_cast<char>('0' + (length * 7) % 10);
    digits += digit;
    expected = expected * 10 + (digit - '0');
    std::string rest;
    CHECK(digit_string("\"" + digits + "\",\"item_id\":\"1\"}", &rest) == expected);
    CHECK(rest == ",\"item_id\":\"1\"}");
    CHECK(digit_string("\"" + digits + "\"", &rest) == expected);
    CHECK(rest.empty());
  }
  CHECK(digit_string("\"0000419437\"}") == 419437); // leading zeros
  CHECK(digit_string("\"999999999999999999\"") == 999999999999999999);
}

TEST_CASE("json_reader: any other string is left to read_string") {
  CHECK(digit_string("\"\",\"x\":1}") == -1);                  // empty
  CHECK(digit_string("\"1234567890123456789\",\"x\":1}") == -1); // 19 digits
  CHECK(digit_string("\"-12\",\"x\":1}") == -1);               // a sign
  CHECK(digit_string("\" 12\",\"x\":1}") == -1);               // a blank
  CHECK(digit_string("\"12 \",\"x\":1}") == -1);
  CHECK(digit_string("\"12a\",\"x\":1}") == -1);
  CHECK(digit_string("\"12\\u0033\",\"x\":1}") == -1);         // an escape
  CHECK(digit_string("\"12") == -1);                          // unterminated
  CHECK(digit_string("\"1234567") == -1);
  CHECK(digit_string("\"12345678901") == -1);
  // Bytes next to the digits' range, and above 0x7f, in every position.
  for (const char other : {'/', ':', '\x7f', '\x80', '\xb9', '\xff'})
    for (size_t at = 0; at < 8; ++at) {
      std::string text = "\"12345678\",\"x\":1}";
      text[1 + at] = other;
      CHECK(digit_string(text) == -1);
    }
}
