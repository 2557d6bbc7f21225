#include "worker/state/result_format.hpp"

#include "common/time/civil.hpp"
#include "common/util/hash.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

using namespace ubaflow;

namespace {

const event_time day0 = days_from_civil(2017, 11, 26) * ms_per_day;

result_formatter shanghai() {
  return result_formatter{*time_zone::load("Asia/Shanghai")};
}

boost::json::object parse_object(const std::string& text) {
  boost::json::error_code ec;
  auto value = boost::json::parse(text, ec);
  REQUIRE_FALSE(ec);
  REQUIRE(value.is_object());
  return value.as_object();
}

} // namespace

TEST_SUITE("result_format") {
  TEST_CASE("buy_cnt_per_hour documents") {
    auto f = shanghai();
    auto row = f.hourly(day0 + 10 * ms_per_hour, day0 + 11 * ms_per_hour, 5);
    CHECK(row.index == to_string(result_kind::buy_cnt_per_hour));
    CHECK(row.id == "2017-11-26T10:00:00");
    CHECK(row.document
          == R"({"hour_of_day":10,"buy_cnt":5,"event_time":"2017-11-26 10:00:00",)"
             R"("window_start":"2017-11-26T10:00:00+08:00","window_end":"2017-11-26T11:00:00+08:00"})");
    row = f.hourly(day0 + 23 * ms_per_hour, day0 + 24 * ms_per_hour, 0);
    CHECK(row.id == "2017-11-26T23:00:00");
    CHECK(row.document
          == R"({"hour_of_day":23,"buy_cnt":0,"event_time":"2017-11-26 23:00:00",)"
             R"("window_start":"2017-11-26T23:00:00+08:00","window_end":"2017-11-27T00:00:00+08:00"})");
  }

  TEST_CASE("cumulative_uv documents are identified by time_str, their primary key (the window end)") {
    auto f = shanghai();
    auto row = f.uv(day0 + 10 * ms_per_hour, day0 + 10 * ms_per_hour + 10 * ms_per_minute, 7);
    CHECK(row.index == to_string(result_kind::cumulative_uv));
    CHECK(row.id == "2017-11-26 10:10:00");
    CHECK(row.document
          == R"({"time_str":"2017-11-26 10:10:00","uv":7,)"
             R"("window_start":"2017-11-26T10:00:00+08:00","window_end":"2017-11-26T10:10:00+08:00"})");
  }

  TEST_CASE("cumulative_uv_daily documents") {
    auto f = shanghai();
    auto row = f.daily(day0, day0 + 10 * ms_per_hour + 10 * ms_per_minute, 1234567);
    CHECK(row.index == to_string(result_kind::cumulative_uv_daily));
    CHECK(row.id == "2017-11-26 10:10:00");
    CHECK(row.document
          == R"({"date_str":"2017-11-26","time_str":"2017-11-26 10:10:00","uv":1234567,)"
             R"("window_start":"2017-11-26T00:00:00+08:00","window_end":"2017-11-26T10:10:00+08:00"})");
    // The last step of a day ends at midnight of the next.
    row = f.daily(day0, day0 + ms_per_day, 9);
    CHECK(row.id == "2017-11-27 00:00:00");
    CHECK(row.document
          == R"({"date_str":"2017-11-26","time_str":"2017-11-27 00:00:00","uv":9,)"
             R"("window_start":"2017-11-26T00:00:00+08:00","window_end":"2017-11-27T00:00:00+08:00"})");
  }

  TEST_CASE("offsets follow the zone's rules at each instant") {
    result_formatter berlin{*time_zone::load("Europe/Berlin")};
    const event_time summer = days_from_civil(2017, 7, 1) * ms_per_day + 10 * ms_per_hour;
    auto row = berlin.hourly(summer, summer + ms_per_hour, 1);
    CHECK(row.document.find(R"("window_start":"2017-07-01T10:00:00+02:00")")
          != std::string::npos);
    const event_time winter = days_from_civil(2017, 12, 1) * ms_per_day;
    row = berlin.uv(winter, winter + 10 * ms_per_minute, 1);
    CHECK(row.document.find(R"("window_start":"2017-12-01T00:00:00+01:00")")
          != std::string::npos);
    result_formatter utc{time_zone::utc()};
    row = utc.uv(0, 10 * ms_per_minute, 1);
    CHECK(row.document
          == R"({"time_str":"1970-01-01 00:10:00","uv":1,)"
             R"("window_start":"1970-01-01T00:00:00+00:00","window_end":"1970-01-01T00:10:00+00:00"})");
  }

  TEST_CASE("top_category documents and ids") {
    auto f = shanghai();
    auto row = f.category("女装", 3);
    CHECK(row.index == to_string(result_kind::top_category));
    CHECK(row.id == "女装");
    CHECK(row.document == R"({"category_name":"女装","buy_cnt":3})");
    row = f.category("a \"quoted\" \\ name\n\t", -1);
    CHECK(row.id == "a \"quoted\" \\ name\n\t");
    CHECK(row.document
          == R"({"category_name":"a \"quoted\" \\ name\n\t","buy_cnt":-1})");
    CHECK(std::string{parse_object(row.document)["category_name"].as_string()}
          == "a \"quoted\" \\ name\n\t");
    // Invalid UTF-8 still gives valid JSON.
    row = f.category("bad\xff", 1);
    CHECK(parse_object(row.document)["buy_cnt"].as_int64() == 1);
  }

  TEST_CASE("category ids longer than 512 bytes (or empty) are hashed") {
    const std::string at_limit(512, 'x');
    CHECK(result_formatter::category_id(at_limit) == at_limit);
    const std::string over(513, 'x');
    char expected[32];
    std::snprintf(expected, sizeof expected, "hash-%016llx",
                  static_cast<unsigned long long>(hash_bytes(over)));
    CHECK(result_formatter::category_id(over) == expected);
    CHECK(result_formatter::category_id(over).size() == 21);
    CHECK(result_formatter::category_id("") == "hash-efd01f60ba992926");
    // Different long names get different ids; the document keeps the name.
    std::string other = over;
    other.back() = 'y';
    CHECK(result_formatter::category_id(other) != result_formatter::category_id(over));
    auto row = shanghai().category(over, 2);
    CHECK(row.id == expected);
    CHECK(std::string{parse_object(row.document)["category_name"].as_string()} == over);
    // 171 three-byte characters = 513 bytes: counted in bytes, not characters.
    std::string cjk;
    for (int i = 0; i < 171; ++i)
      cjk += "女";
    CHECK(cjk.size() == 513);
    CHECK(result_formatter::category_id(cjk).rfind("hash-", 0) == 0);
  }

  TEST_CASE("every document is valid JSON with the seed's field names") {
    auto f = shanghai();
    auto h = parse_object(f.hourly(day0, day0 + ms_per_hour, 4).document);
    CHECK(h.size() == 5);
    CHECK(h["hour_of_day"].as_int64() == 0);
    CHECK(h["buy_cnt"].as_int64() == 4);
    auto u = parse_object(f.uv(day0, day0 + 600'000, 4).document);
    CHECK(u.size() == 4);
    CHECK(u["uv"].as_int64() == 4);
    auto d = parse_object(f.daily(day0, day0 + 600'000, 4).document);
    CHECK(d.size() == 5);
    CHECK(std::string{d["date_str"].as_string()} == "2017-11-26");
    auto c = parse_object(f.category("x", 4).document);
    CHECK(c.size() == 2);
  }
}
