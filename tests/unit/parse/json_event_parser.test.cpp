#include "worker/parse/json_event_parser.hpp"

#include "common/time/civil.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

constexpr auto none = reject_reason::none;
constexpr auto malformed = reject_reason::malformed_record;
constexpr auto missing = reject_reason::missing_field;
constexpr auto invalid_id = reject_reason::invalid_id;
constexpr auto unknown_behavior = reject_reason::unknown_behavior;
constexpr auto invalid_ts = reject_reason::invalid_timestamp;
constexpr auto out_of_range = reject_reason::timestamp_out_of_range;

const std::string valid
  = R"({"user_id":"1","item_id":"2","category_id":"3","behavior":"buy","ts":"2017-11-26 10:05:07"})";

event_time ts_20171126_100507() {
  return days_from_civil(2017, 11, 26) * ms_per_day + 10 * ms_per_hour
         + 5 * ms_per_minute + 7 * ms_per_second;
}

/// A parser in Asia/Shanghai, reused across calls like a source does.
struct fixture {
  json_event_parser parser{[] {
    timestamp_policy policy;
    policy.zone = *time_zone::load("Asia/Shanghai");
    return timestamp_parser{policy};
  }()};
  user_event event;

  parse_status parse(std::string_view message) {
    event = user_event{};
    return parser.parse(message, event);
  }
  reject_reason reason(std::string_view message) {
    return parse(message).reason;
  }
  std::string detail(std::string_view message) {
    return parse(message).detail;
  }
};

/// The valid message with one field's JSON value replaced (or removed
/// when `value` is empty).
std::string with_field(const std::string& field, const std::string& value) {
  const std::vector<std::pair<std::string, std::string>> base{
    {"user_id", "\"1\""},
    {"item_id", "\"2\""},
    {"category_id", "\"3\""},
    {"behavior", "\"buy\""},
    {"ts", "\"2017-11-26 10:05:07\""},
  };
  std::string out = "{";
  bool first = true;
  for (const auto& [name, json] : base) {
    const std::string& v = name == field ? value : json;
    if (v.empty())
      continue;
    out += (first ? "\"" : ",\"") + name + "\":" + v;
    first = false;
  }
  return out + "}";
}

std::string nested_arrays(int depth, const std::string& inner) {
  return std::string(static_cast<size_t>(depth), '[') + inner
         + std::string(static_cast<size_t>(depth), ']');
}

} // namespace

TEST_SUITE("json_event_parser") {
  TEST_CASE("the seed's message shape parses") {
    fixture f;
    auto status = f.parse(valid);
    CHECK(status.ok());
    CHECK(status.reason == none);
    CHECK(f.event.user_id == 1);
    CHECK(f.event.item_id == 2);
    CHECK(f.event.category_id == 3);
    CHECK(f.event.kind == behavior::buy);
    CHECK(f.event.ts == ts_20171126_100507());
  }

  TEST_CASE("numbers, whitespace and field order") {
    fixture f;
    REQUIRE(f.parse(" \t\r\n{ \"ts\" : 1511661907 ,\n\"behavior\":\"pv\", "
                    "\"category_id\":-3,\"item_id\":0,\"user_id\":"
                    "9223372036854775807 } \r\n")
              .ok());
    CHECK(f.event.user_id == std::numeric_limits<int64_t>::max());
    CHECK(f.event.item_id == 0);
    CHECK(f.event.category_id == -3);
    CHECK(f.event.kind == behavior::pv);
    CHECK(f.event.ts == ts_20171126_100507());
    REQUIRE(f.parse(with_field("user_id", "-9223372036854775808")).ok());
    CHECK(f.event.user_id == std::numeric_limits<int64_t>::min());
    REQUIRE(f.parse(with_field("user_id", "-0")).ok());
    CHECK(f.event.user_id == 0);
  }

  TEST_CASE("every behaviour") {
    fixture f;
    for (auto [text, kind] : {std::pair{"pv", behavior::pv},
                              std::pair{"buy", behavior::buy},
                              std::pair{"cart", behavior::cart},
                              std::pair{"fav", behavior::fav}}) {
      REQUIRE(f.parse(with_field("behavior", std::string{"\""} + text + "\"")).ok());
      CHECK(f.event.kind == kind);
      CHECK(std::string{to_string(kind)} == text);
      CHECK(behavior_from_string(text) == kind);
    }
    // Escapes are decoded before matching.
    REQUIRE(f.parse(with_field("behavior", R"("b\u0075y")")).ok());
    CHECK(f.event.kind == behavior::buy);
    for (const char* bad : {R"("BUY")", R"("")", R"(" buy")", R"("buys")",
                            R"("pvv")", R"("click")", "1", "true", "false",
                            "[\"buy\"]", "{\"buy\":1}"}) {
      CAPTURE(bad);
      CHECK(f.reason(with_field("behavior", bad)) == unknown_behavior);
      CHECK(f.detail(with_field("behavior", bad)) == "field 'behavior'");
    }
  }

  TEST_CASE("ids as JSON integers or numeric strings with spaces and signs") {
    fixture f;
    const std::vector<std::pair<std::string, int64_t>> accepted{
      {"42", 42},
      {"\"42\"", 42},
      {"\" 42 \"", 42},
      {"\"   7\"", 7},
      {"\"+7\"", 7},
      {"\"-7\"", -7},
      {"\" -7 \"", -7},
      {"\"007\"", 7},
      {"\"9223372036854775807\"", std::numeric_limits<int64_t>::max()},
      {"\"-9223372036854775808\"", std::numeric_limits<int64_t>::min()},
      {"-9223372036854775808", std::numeric_limits<int64_t>::min()},
      {"\"\\u0031\\u0032\"", 12},
    };
    for (const auto& field : {"user_id", "item_id", "category_id"}) {
      for (const auto& [json, expected] : accepted) {
        CAPTURE(field);
        CAPTURE(json);
        REQUIRE(f.parse(with_field(field, json)).ok());
        const int64_t got = std::string{field} == "user_id"   ? f.event.user_id
                            : std::string{field} == "item_id" ? f.event.item_id
                                                              : f.event.category_id;
        CHECK(got == expected);
      }
    }
  }

  TEST_CASE("ids with fractions, exponents, overflow or junk are invalid_id") {
    fixture f;
    const std::vector<std::string> rejected{
      "1.0",        "1.5",        "1e3",       "1E3",
      "-1e0",       "\"1.0\"",    "\"1e3\"",   "\"\"",
      "\" \"",      "\"+\"",      "\"-\"",     "\"1 2\"",
      "\"0x10\"",   "\"\\t1\"",   "\"1\\n\"",  "\"abc\"",
      "\"١\"",      "\"- 1\"",    "\"--1\"",   "\"+-1\"",
      "9223372036854775808",      "-9223372036854775809",
      "\"9223372036854775808\"",  "\"-9223372036854775809\"",
      "\"99999999999999999999999\"", "18446744073709551616",
      "true",       "false",      "[]",        "[1]",
      "{}",         "{\"id\":1}",
    };
    for (const auto& field : {"user_id", "item_id", "category_id"}) {
      for (const auto& json : rejected) {
        CAPTURE(field);
        CAPTURE(json);
        auto status = f.parse(with_field(field, json));
        CHECK(status.reason == invalid_id);
        CHECK(std::string{status.detail} == std::string{"field '"} + field + "'");
      }
    }
  }

  TEST_CASE("parse_decimal_id") {
    int64_t out = 99;
    CHECK(parse_decimal_id("0", out));
    CHECK(out == 0);
    CHECK(parse_decimal_id("  -12  ", out));
    CHECK(out == -12);
    CHECK(parse_decimal_id("+12", out));
    CHECK(out == 12);
    CHECK(parse_decimal_id("9223372036854775807", out));
    CHECK(out == std::numeric_limits<int64_t>::max());
    CHECK(parse_decimal_id("-9223372036854775808", out));
    CHECK(out == std::numeric_limits<int64_t>::min());
    out = 99;
    for (const char* bad : {"", " ", "+", "-", "1.0", "1e3", "9223372036854775808",
                            "-9223372036854775809", "12a", "a12", "1 2", "\t1",
                            "1\t", "--1", "0x1"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_decimal_id(bad, out));
      CHECK(out == 99); // untouched
    }
  }

  TEST_CASE("ts as text or number, invalid or out of range") {
    fixture f;
    REQUIRE(f.parse(with_field("ts", "\"2017-11-26T02:05:07Z\"")).ok());
    CHECK(f.event.ts == ts_20171126_100507());
    REQUIRE(f.parse(with_field("ts", "\"1511661907\"")).ok());
    CHECK(f.event.ts == ts_20171126_100507());
    REQUIRE(f.parse(with_field("ts", "1511661907123")).ok());
    CHECK(f.event.ts == ts_20171126_100507() + 123);
    REQUIRE(f.parse(with_field("ts", "1.511661907e9")).ok());
    CHECK(f.event.ts == ts_20171126_100507());
    REQUIRE(f.parse(with_field("ts", "\"2017-11-26\\u002010:05:07\"")).ok());
    CHECK(f.event.ts == ts_20171126_100507());

    for (const char* bad : {"\"yesterday\"", "\"2017-02-30 00:00:00\"", "\"\"",
                            "true", "false", "[1511661907]", "{}", "1e400"}) {
      CAPTURE(bad);
      auto status = f.parse(with_field("ts", bad));
      CHECK(status.reason == invalid_ts);
      CHECK(std::string{status.detail} == "field 'ts'");
    }

    timestamp_policy policy;
    policy.zone = *time_zone::load("Asia/Shanghai");
    policy.valid_from = days_from_civil(2017, 11, 25) * ms_per_day;
    policy.valid_until = days_from_civil(2017, 12, 4) * ms_per_day - 1;
    json_event_parser bounded{timestamp_parser{policy}};
    user_event e;
    CHECK(bounded.parse(valid, e).ok());
    CHECK(bounded.parse(with_field("ts", "\"2037-01-01 00:00:00\""), e).reason
          == out_of_range);
    CHECK(bounded.parse(with_field("ts", "-2145916800"), e).reason
          == out_of_range);
    CHECK(bounded.timestamps().policy().valid_from == policy.valid_from);
  }

  TEST_CASE("absent and null fields are missing_field, naming the field") {
    fixture f;
    for (const char* field : {"user_id", "item_id", "category_id", "behavior", "ts"}) {
      CAPTURE(field);
      auto status = f.parse(with_field(field, ""));
      CHECK(status.reason == missing);
      CHECK(std::string{status.detail} == std::string{"field '"} + field + "'");
      status = f.parse(with_field(field, "null"));
      CHECK(status.reason == missing);
      CHECK(std::string{status.detail} == std::string{"field '"} + field + "'");
    }
    CHECK(f.reason("{}") == missing);
    CHECK(f.detail("{}") == "field 'user_id'");
    CHECK(f.detail(R"({"user_id":1,"item_id":2})") == "field 'category_id'");
    // A later null removes an earlier value, a later value replaces a null.
    CHECK(f.reason(valid.substr(0, valid.size() - 1) + R"(,"user_id":null})")
          == missing);
    REQUIRE(f.parse(R"({"user_id":null,)" + valid.substr(1)).ok());
    CHECK(f.event.user_id == 1);
    // Field names are case-sensitive: "User_id" is an unknown field.
    CHECK(f.detail(R"({"User_id":1,"item_id":2,"category_id":3,"behavior":"pv","ts":0})")
          == "field 'user_id'");
  }

  TEST_CASE("unknown fields of every JSON type are validated and ignored") {
    fixture f;
    const std::vector<std::string> values{
      "\"text\"", "\"esc\\\"aped\\\\ \\n \\u00e9 \\ud83d\\ude00\"", "0", "-1",
      "1.5e-3", "-0.0E+10", "123456789012345678901234567890", "true", "false",
      "null", "{}", "[]", "{\"a\":{\"b\":[1,{\"c\":null}]}}",
      "[1,\"two\",[3],{\"four\":4},true,false,null]", "\"\xE5\xA5\xB3\xE8\xA3\x85\"",
      "\"\x7f\"",
    };
    for (const auto& v : values) {
      CAPTURE(v);
      const std::string before = "{\"extra\":" + v + "," + valid.substr(1);
      const std::string after = valid.substr(0, valid.size() - 1) + ",\"extra\":" + v + "}";
      REQUIRE(f.parse(before).ok());
      CHECK(f.event.user_id == 1);
      REQUIRE(f.parse(after).ok());
      CHECK(f.event.ts == ts_20171126_100507());
    }
    // Keys that merely resemble a field.
    REQUIRE(f.parse(R"({"user_idx":"oops","ts_":true,)" + valid.substr(1)).ok());
    REQUIRE(f.parse(R"({"":1,"user":2,)" + valid.substr(1)).ok());
  }

  TEST_CASE("escaped keys match field names") {
    fixture f;
    auto status = f.parse(R"({"user\u005fid":"5","\u0069tem_id":6,"category_\u0069d":7,)"
                          R"("behavio\u0072":"fav","\u0074\u0073":"2017-11-26 10:05:07"})");
    REQUIRE(status.ok());
    CHECK(f.event.user_id == 5);
    CHECK(f.event.item_id == 6);
    CHECK(f.event.category_id == 7);
    CHECK(f.event.kind == behavior::fav);
    // An escaped value after an escaped key: both decoded independently.
    REQUIRE(f.parse(R"({"user\u005fid":"\u0039",)" + valid.substr(15)).ok());
    CHECK(f.event.user_id == 9);
  }

  TEST_CASE("duplicate keys keep the last value") {
    fixture f;
    REQUIRE(f.parse(R"({"user_id":1,)" + valid.substr(1, valid.size() - 2)
                    + R"(,"user_id":77})")
              .ok());
    CHECK(f.event.user_id == 77);
    REQUIRE(f.parse(valid.substr(0, valid.size() - 1) + R"(,"behavior":"cart"})").ok());
    CHECK(f.event.kind == behavior::cart);
    // The last value decides, also when an earlier one was invalid ...
    REQUIRE(f.parse(R"({"user_id":"abc","behavior":"nope","ts":"never",)"
                    + valid.substr(1))
              .ok());
    CHECK(f.event.user_id == 1);
    CHECK(f.event.kind == behavior::buy);
    CHECK(f.event.ts == ts_20171126_100507());
    // ... and when a later one is invalid.
    CHECK(f.reason(valid.substr(0, valid.size() - 1) + R"(,"item_id":1.5})")
          == invalid_id);
    CHECK(f.reason(valid.substr(0, valid.size() - 1) + R"(,"ts":"x"})")
          == invalid_ts);
  }

  TEST_CASE("the first invalid field in document order is reported") {
    fixture f;
    auto status = f.parse(R"({"ts":"x","behavior":"y","category_id":"z","item_id":2,"user_id":1})");
    CHECK(status.reason == invalid_ts);
    CHECK(std::string{status.detail} == "field 'ts'");
    status = f.parse(R"({"user_id":1,"item_id":2,"category_id":"z","behavior":"y","ts":"x"})");
    CHECK(status.reason == invalid_id);
    CHECK(std::string{status.detail} == "field 'category_id'");
    // A field whose invalid value was replaced no longer counts.
    status = f.parse(R"({"ts":"x","behavior":"y","category_id":3,"item_id":2,"user_id":1,"ts":0})");
    CHECK(status.reason == unknown_behavior);
    // A missing field is reported before invalid values.
    status = f.parse(R"({"ts":"x","behavior":"y","category_id":"z","item_id":2})");
    CHECK(status.reason == missing);
    CHECK(std::string{status.detail} == "field 'user_id'");
  }

  TEST_CASE("not an object, or not JSON at all") {
    fixture f;
    for (const char* bad : {"", " ", "\n", "[]", "null", "1", "\"x\"", "true",
                            "[{\"user_id\":1}]", "\xEF\xBB\xBF{}", "x{}"}) {
      CAPTURE(bad);
      auto status = f.parse(bad);
      CHECK(status.reason == malformed);
      CHECK(std::string{status.detail} == "json");
    }
  }

  TEST_CASE("every truncation of a valid message is malformed") {
    fixture f;
    const std::string messages[] = {
      valid,
      R"({"user_id":1,"item_id":-2,"category_id":3.5e1,"behavior":"pv","ts":1511661907.5,"x":[true,false,null,{"y":"\u00e9"}]})",
    };
    for (const auto& message : messages) {
      for (size_t n = 0; n < message.size(); ++n) {
        CAPTURE(message.substr(0, n));
        CHECK(f.reason(std::string_view(message).substr(0, n)) == malformed);
      }
    }
    // Embedded NUL bytes truncate nothing: they are garbage.
    CHECK(f.reason(valid + std::string(1, '\0')) == malformed);
  }

  TEST_CASE("syntax errors of many kinds") {
    fixture f;
    const std::string body = valid.substr(1, valid.size() - 2); // no braces
    const std::vector<std::string> bad{
      "{" + body + ",}",                         // trailing comma
      "{," + body + "}",                         // leading comma
      "{" + body + ",,\"x\":1}",                 // double comma
      "{" + body + "}x",                         // trailing garbage
      "{" + body + "}{}",                        // two objects
      "{" + body + "},",                         // trailing comma after object
      "{" + body + "}]",                         // stray bracket
      "{" + body + ",\"x\":[1,2,]}",             // trailing comma in array
      "{" + body + ",\"x\":[1 2]}",              // missing comma in array
      "{" + body + ",\"x\":{\"a\":1,}}",         // trailing comma in object
      "{" + body + ",\"x\":{\"a\" 1}}",          // missing colon in nested
      "{" + body + ",\"x\":{1:2}}",              // non-string key
      "{" + body + ",\"x\"}",                    // key without value
      "{" + body + ",\"x\":}",                   // colon without value
      "{" + body + " \"x\":1}",                  // missing comma
      "{\"user_id\" 1," + body.substr(14) + "}", // missing colon
      "{user_id:1}",                             // unquoted key
      "{'user_id':1}",                           // single quotes
      "{\"user_id\":'1'}",
      "{" + body + ",\"x\":01}",                 // leading zero
      "{" + body + ",\"x\":+1}",                 // plus sign
      "{" + body + ",\"x\":.5}",
      "{" + body + ",\"x\":1.}",
      "{" + body + ",\"x\":1e}",
      "{" + body + ",\"x\":1e+}",
      "{" + body + ",\"x\":-}",
      "{" + body + ",\"x\":--1}",
      "{" + body + ",\"x\":0x10}",
      "{" + body + ",\"x\":NaN}",
      "{" + body + ",\"x\":Infinity}",
      "{" + body + ",\"x\":-Infinity}",
      "{" + body + ",\"x\":tru}",
      "{" + body + ",\"x\":True}",
      "{" + body + ",\"x\":nul}",
      "{" + body + ",\"x\":nulll}",
      "{" + body + ",\"x\":falsey}",
      "{" + body + ",\"x\":undefined}",
      "{" + body + "/* comment */}",
      "{" + body + "} // comment",
      "{\"user_id\":nul," + body.substr(14) + "}",
      "{\"user_id\":01," + body.substr(14) + "}",
      "{\"user_id\":1.," + body.substr(14) + "}",
      "{\"user_id\":+1," + body.substr(14) + "}",
      "{\"user_id\":tru," + body.substr(14) + "}",
      "{\"ts\":1e," + body + "}",
      "{" + body + ",\"x\":\"unterminated}",
      "{" + body + ",\"x\":[}",
      "{" + body + ",\"x\":{]}",
      "{" + body + "\v}",                        // \v is not JSON whitespace
      "{" + body + "\f}",
      "{" + body + "\xC2\xA0}",                  // no-break space
    };
    for (const auto& message : bad) {
      CAPTURE(message);
      CHECK(f.reason(message) == malformed);
    }
  }

  TEST_CASE("string escapes: valid ones decode, bad ones are malformed") {
    fixture f;
    const std::string prefix = valid.substr(0, valid.size() - 1) + ",\"x\":\"";
    for (const char* good : {R"(\")", R"(\\)", R"(\/)", R"(\b)", R"(\f)", R"(\n)",
                             R"(\r)", R"(\t)", R"(\u0000)", R"(\u00e9)", R"(\u00E9)",
                             R"(\uFFFF)", R"(\ud83d\ude00)", R"(\uDBFF\uDFFF)",
                             R"(a\u0041b)"}) {
      CAPTURE(good);
      CHECK(f.reason(prefix + good + "\"}") == none);
    }
    for (const char* bad : {R"(\x41)", R"(\a)", R"(\')", R"(\0)", R"(\U0041)",
                            R"(\u12)", R"(\u12G4)", R"(\u)", R"(\)",
                            R"(\ud800)", R"(\ud800x)", R"(\ud800\u0041)",
                            R"(\ud800\ud800)", R"(\ud800\n)", R"(\udc00)",
                            R"(\udfff\ud800)", R"(\uDBFF)"}) {
      CAPTURE(bad);
      CHECK(f.reason(prefix + bad + "\"}") == malformed);
    }
    // The same rules apply in keys and in known fields.
    CHECK(f.reason(R"({"user\x5fid":1})") == malformed);
    CHECK(f.reason(with_field("user_id", R"("\ud800")")) == malformed);
    CHECK(f.reason(with_field("behavior", R"("bu\y")")) == malformed);
  }

  TEST_CASE("raw control characters and invalid UTF-8 are malformed") {
    fixture f;
    const std::string prefix = valid.substr(0, valid.size() - 1) + ",\"x\":\"";
    for (int c = 0; c < 0x20; ++c) {
      CAPTURE(c);
      CHECK(f.reason(prefix + static_cast<char>(c) + "\"}") == malformed);
      // Also after an escape (the decoding path).
      CHECK(f.reason(prefix + "\\n" + static_cast<char>(c) + "\"}") == malformed);
    }
    CHECK(f.reason(prefix + "\x7f\"}") == none); // DEL is allowed
    for (const char* bad :
         {"\x80", "\xBF", "\xC0\xAF", "\xC1\xBF", "\xC2", "\xE0\x80\xAF",
          "\xE5\xA5", "\xED\xA0\x80", "\xED\xBF\xBF", "\xF0\x80\x80\xAF",
          "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFE", "\xFF",
          "\xE5\xA5\x41"}) {
      CAPTURE(std::string{bad});
      CHECK(f.reason(prefix + bad + "\"}") == malformed);
      CHECK(f.reason(prefix + "\\t" + bad + "\"}") == malformed);
    }
    for (const char* good : {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF",
                             "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80",
                             "\xF4\x8F\xBF\xBF"}) {
      CAPTURE(std::string{good});
      CHECK(f.reason(prefix + good + "\"}") == none);
      CHECK(f.reason(prefix + "\\t" + good + "\"}") == none);
    }
    // Invalid UTF-8 in a key, or in a field's value.
    CHECK(f.reason("{\"\xFF\":1," + valid.substr(1)) == malformed);
    CHECK(f.reason(with_field("behavior", "\"bu\xFF\"")) == malformed);
    CHECK(f.reason(with_field("ts", "\"2017\x80\"")) == malformed);
  }

  TEST_CASE("nesting is limited to 64 levels, counting the outer object") {
    fixture f;
    auto with_extra = [&](const std::string& value) {
      return valid.substr(0, valid.size() - 1) + ",\"x\":" + value + "}";
    };
    // The outer object is level 1, so 63 arrays reach level 64.
    CHECK(f.reason(with_extra(nested_arrays(63, "1"))) == none);
    CHECK(f.reason(with_extra(nested_arrays(63, ""))) == none);
    CHECK(f.reason(with_extra(nested_arrays(62, "{\"a\":1}"))) == none);
    CHECK(f.reason(with_extra(nested_arrays(64, "1"))) == malformed);
    CHECK(f.reason(with_extra(nested_arrays(64, ""))) == malformed);
    CHECK(f.reason(with_extra(nested_arrays(63, "{}"))) == malformed);
    CHECK(f.reason(with_extra(nested_arrays(10000, ""))) == malformed);
    std::string objects = "1";
    for (int i = 0; i < 63; ++i)
      objects = "{\"k\":" + objects + "}";
    CHECK(f.reason(with_extra(objects)) == none);
    CHECK(f.reason(with_extra("{\"k\":" + objects + "}")) == malformed);
    // The same limit for a known field holding a container.
    CHECK(f.reason(with_field("ts", nested_arrays(63, ""))) == invalid_ts);
    CHECK(f.reason(with_field("ts", nested_arrays(64, ""))) == malformed);
  }

  TEST_CASE("a syntax error wins over field errors and missing fields") {
    fixture f;
    CHECK(f.reason(R"({"user_id":"abc"})") == missing);
    CHECK(f.reason(R"({"user_id":"abc",})") == malformed);
    CHECK(f.reason(R"({"user_id":"abc"} x)") == malformed);
    CHECK(f.reason(with_field("user_id", "\"x\"") + "]") == malformed);
    CHECK(f.reason(with_field("behavior", "\"nope\"").insert(1, "\"x\":[,")) == malformed);
    CHECK(f.reason(R"({"ts":"bad","x":01})") == malformed);
    CHECK(f.reason(with_field("ts", "\"bad\"") + "\n}") == malformed);
  }

  TEST_CASE("the parser recovers after errors (no state leaks between records)") {
    fixture f;
    CHECK(f.reason(R"({"user_id":"\u00e9 unterminated)") == malformed);
    CHECK(f.reason(with_field("user_id", "\"bad\"")) == invalid_id);
    REQUIRE(f.parse(valid).ok());
    CHECK(f.event.user_id == 1);
    CHECK(f.event.kind == behavior::buy);
    // Long escaped strings larger than the reserved scratch space.
    const std::string long_text(5000, 'a');
    REQUIRE(f.parse("{\"x\":\"\\n" + long_text + "\"," + valid.substr(1)).ok());
    CHECK(f.event.item_id == 2);
  }

  TEST_CASE("reject reasons have stable metric names") {
    CHECK(std::string{to_string(reject_reason::none)} == "none");
    CHECK(std::string{to_string(malformed)} == "malformed_record");
    CHECK(std::string{to_string(missing)} == "missing_field");
    CHECK(std::string{to_string(invalid_id)} == "invalid_id");
    CHECK(std::string{to_string(unknown_behavior)} == "unknown_behavior");
    CHECK(std::string{to_string(invalid_ts)} == "invalid_timestamp");
    CHECK(std::string{to_string(out_of_range)} == "timestamp_out_of_range");
    CHECK(all_reject_reasons.size() == reject_reason_count - 1);
    CHECK(all_reject_reasons.front() == malformed);
    CHECK(all_reject_reasons.back() == reject_reason::record_too_large);
  }
}
