#include "common/util/json_text.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;

namespace {

/// Parses a JSON string literal and returns its decoded content.
std::string decode(const std::string& literal) {
  boost::json::error_code ec;
  auto value = boost::json::parse(literal, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(value.is_string());
  return std::string{value.as_string()};
}

} // namespace

TEST_SUITE("json_text") {
  TEST_CASE("plain text is quoted unchanged") {
    CHECK(json_string("") == "\"\"");
    CHECK(json_string("abc 123") == "\"abc 123\"");
    CHECK(json_string("/") == "\"/\"");
    CHECK(json_string("\x7f") == "\"\x7f\"");
  }

  TEST_CASE("special characters are escaped") {
    CHECK(json_string("a\"b") == R"("a\"b")");
    CHECK(json_string("a\\b") == R"("a\\b")");
    CHECK(json_string("l1\nl2\r\t") == R"("l1\nl2\r\t")");
    CHECK(json_string(std::string_view("\x01\x1f\0", 3))
          == R"("\u0001\u001f\u0000")");
    CHECK(json_string("\b\f") == R"("\u0008\u000c")");
  }

  TEST_CASE("valid UTF-8 passes through") {
    const std::string text = "\xE5\xA5\xB3\xE8\xA3\x85 \xC3\xA9 \xF0\x9F\x98\x80";
    CHECK(json_string(text) == "\"" + text + "\"");
    CHECK(decode(json_string(text)) == text);
  }

  TEST_CASE("invalid UTF-8 becomes U+FFFD, one per bad byte") {
    const std::string fffd = "\xEF\xBF\xBD";
    CHECK(json_string("\x80") == "\"" + fffd + "\"");
    CHECK(json_string("a\xFF" "b") == "\"a" + fffd + "b\"");
    // Overlong encoding of '/'.
    CHECK(json_string("\xC0\xAF") == "\"" + fffd + fffd + "\"");
    // UTF-16 surrogate encoded in UTF-8.
    CHECK(json_string("\xED\xA0\x80") == "\"" + fffd + fffd + fffd + "\"");
    // Truncated sequence at the end.
    CHECK(json_string("\xE5\xA5") == "\"" + fffd + fffd + "\"");
    // Beyond U+10FFFF.
    CHECK(json_string("\xF4\x90\x80\x80")
          == "\"" + fffd + fffd + fffd + fffd + "\"");
    CHECK(json_string("\xF5") == "\"" + fffd + "\"");
  }

  TEST_CASE("every byte string gives valid JSON") {
    std::string all;
    for (int c = 0; c < 256; ++c)
      all.push_back(static_cast<char>(c));
    const auto literal = json_string(all);
    const auto decoded = decode(literal);
    // ASCII survives exactly.
    CHECK(decoded.substr(0, 128) == all.substr(0, 128));
  }

  TEST_CASE("append_json_string appends") {
    std::string out = "x=";
    append_json_string(out, "y");
    append_json_string(out, "\"");
    CHECK(out == "x=\"y\"\"\\\"\"");
  }

  TEST_CASE("preview_bytes escapes and limits") {
    CHECK(preview_bytes("hello") == "hello");
    CHECK(preview_bytes("a\nb") == "a\\x0ab");
    CHECK(preview_bytes("back\\slash") == "back\\x5cslash");
    CHECK(preview_bytes("\xE5\xA5") == "\\xe5\\xa5");
    CHECK(preview_bytes(std::string_view("\0", 1)) == "\\x00");
    CHECK(preview_bytes("\x7f") == "\\x7f");
    CHECK(preview_bytes("abcdef", 3) == "abc...(6 bytes)");
    CHECK(preview_bytes("abc", 3) == "abc");
    CHECK(preview_bytes("", 3) == "");
    const std::string big(1000, 'x');
    CHECK(preview_bytes(big) == std::string(200, 'x') + "...(1000 bytes)");
  }
}
