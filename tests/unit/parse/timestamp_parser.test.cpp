#include "worker/parse/timestamp_parser.hpp"

#include "common/time/civil.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;

namespace {

event_time local(int64_t y, int mo, int d, int h = 0, int mi = 0, int s = 0,
                 int ms = 0) {
  civil_fields f;
  f.year = y;
  f.month = mo;
  f.day = d;
  f.hour = h;
  f.minute = mi;
  f.second = s;
  f.millis = ms;
  return from_civil(f);
}

time_zone zone(const char* name) {
  auto z = time_zone::load(name);
  REQUIRE(z);
  return *z;
}

timestamp_parser make_parser(const char* zone_name = "Asia/Shanghai",
                             bool z_as_local = false) {
  timestamp_policy policy;
  policy.zone = zone(zone_name);
  policy.z_as_local = z_as_local;
  return timestamp_parser{policy};
}

/// The parsed value, or a sentinel naming the reject reason.
struct result {
  reject_reason reason;
  event_time value;
};

result text(timestamp_parser& p, std::string_view s) {
  event_time out = -42;
  auto status = p.parse_text(s, out);
  if (status.ok())
    return {reject_reason::none, out};
  CHECK(std::string{status.detail} == "field 'ts'");
  CHECK(out == -42); // untouched on failure
  return {status.reason, 0};
}

result number(timestamp_parser& p, std::string_view s) {
  event_time out = -42;
  auto status = p.parse_number(s, out);
  if (status.ok())
    return {reject_reason::none, out};
  CHECK(out == -42);
  return {status.reason, 0};
}

event_time ok_text(timestamp_parser& p, std::string_view s) {
  auto r = text(p, s);
  INFO("text: '" << std::string{s} << "'");
  REQUIRE(r.reason == reject_reason::none);
  return r.value;
}

event_time ok_number(timestamp_parser& p, std::string_view s) {
  auto r = number(p, s);
  INFO("number: '" << std::string{s} << "'");
  REQUIRE(r.reason == reject_reason::none);
  return r.value;
}

reject_reason bad_text(timestamp_parser& p, std::string_view s) {
  INFO("text: '" << std::string{s} << "'");
  return text(p, s).reason;
}

constexpr auto invalid = reject_reason::invalid_timestamp;
constexpr auto out_of_range = reject_reason::timestamp_out_of_range;

} // namespace

TEST_SUITE("timestamp_parser") {
  TEST_CASE("zone-less text is wall-clock time in the job zone (no conversion)") {
    for (const char* name : {"Asia/Shanghai", "UTC", "-05:30", "Europe/Berlin"}) {
      CAPTURE(name);
      auto p = make_parser(name);
      CHECK(ok_text(p, "2017-11-26 10:05:07") == local(2017, 11, 26, 10, 5, 7));
      CHECK(ok_text(p, "2017-11-26T10:05:07") == local(2017, 11, 26, 10, 5, 7));
      CHECK(ok_text(p, "1970-01-01 00:00:00") == 0);
      CHECK(ok_text(p, "1969-12-31 23:59:59.999") == -1);
    }
    // Even a wall-clock time skipped by a daylight-saving change is kept.
    auto berlin = make_parser("Europe/Berlin");
    CHECK(ok_text(berlin, "2017-03-26 02:30:00") == local(2017, 3, 26, 2, 30));
  }

  TEST_CASE("fractions of 0..9 digits are truncated to milliseconds") {
    auto p = make_parser();
    const event_time base = local(2017, 11, 26, 10, 5, 7);
    CHECK(ok_text(p, "2017-11-26 10:05:07.1") == base + 100);
    CHECK(ok_text(p, "2017-11-26 10:05:07.12") == base + 120);
    CHECK(ok_text(p, "2017-11-26 10:05:07.123") == base + 123);
    CHECK(ok_text(p, "2017-11-26 10:05:07.1239") == base + 123);
    CHECK(ok_text(p, "2017-11-26 10:05:07.00000") == base);
    CHECK(ok_text(p, "2017-11-26 10:05:07.999999") == base + 999);
    CHECK(ok_text(p, "2017-11-26T10:05:07.999999999") == base + 999);
    CHECK(ok_text(p, "2017-11-26T10:05:07.05") == base + 50);
    CHECK(bad_text(p, "2017-11-26 10:05:07.1234567890") == invalid); // 10 digits
    CHECK(bad_text(p, "2017-11-26 10:05:07.") == invalid);
    CHECK(bad_text(p, "2017-11-26 10:05:07.12a") == invalid);
    CHECK(bad_text(p, "2017-11-26 10:05:07,123") == invalid);
  }

  TEST_CASE("Z is UTC, converted into the job zone") {
    auto p = make_parser("Asia/Shanghai");
    CHECK(ok_text(p, "2017-11-26 02:05:07Z") == local(2017, 11, 26, 10, 5, 7));
    CHECK(ok_text(p, "2017-11-26T02:05:07.250Z")
          == local(2017, 11, 26, 10, 5, 7, 250));
    CHECK(ok_text(p, "2017-11-25T20:00:00Z") == local(2017, 11, 26, 4, 0, 0));
    auto utc = make_parser("UTC");
    CHECK(ok_text(utc, "2017-11-26T02:05:07Z") == local(2017, 11, 26, 2, 5, 7));
  }

  TEST_CASE("z_as_local reads Z as the job zone's wall clock") {
    auto p = make_parser("Asia/Shanghai", true);
    CHECK(p.policy().z_as_local);
    CHECK(ok_text(p, "2017-11-26 02:05:07Z") == local(2017, 11, 26, 2, 5, 7));
    CHECK(ok_text(p, "2017-11-26T02:05:07.5Z") == local(2017, 11, 26, 2, 5, 7, 500));
    // Explicit offsets are still instants.
    CHECK(ok_text(p, "2017-11-26 02:05:07+00:00") == local(2017, 11, 26, 10, 5, 7));
    // Epoch numbers are still instants.
    CHECK(ok_text(p, "1511661907") == local(2017, 11, 26, 10, 5, 7));
  }

  TEST_CASE("offsets +HH:MM, +HHMM and +HH") {
    auto p = make_parser("Asia/Shanghai");
    const event_time expected = local(2017, 11, 26, 10, 5, 7);
    CHECK(ok_text(p, "2017-11-26 10:05:07+08:00") == expected);
    CHECK(ok_text(p, "2017-11-26 10:05:07+0800") == expected);
    CHECK(ok_text(p, "2017-11-26 10:05:07+08") == expected);
    CHECK(ok_text(p, "2017-11-26T02:05:07+00:00") == expected);
    CHECK(ok_text(p, "2017-11-26T02:05:07-00:00") == expected);
    CHECK(ok_text(p, "2017-11-25T20:35:07-05:30") == expected);
    CHECK(ok_text(p, "2017-11-25T20:35:07-0530") == expected);
    CHECK(ok_text(p, "2017-11-26T07:50:07.125+05:45")
          == local(2017, 11, 26, 10, 5, 7, 125));
    CHECK(ok_text(p, "2017-11-26T20:05:07+18:00") == expected);
    auto utc = make_parser("UTC");
    CHECK(ok_text(utc, "2017-11-26 10:05:07+08:00") == local(2017, 11, 26, 2, 5, 7));
    CHECK(ok_text(utc, "2017-11-26 23:00:00-02") == local(2017, 11, 27, 1, 0, 0));

    for (const char* bad :
         {"2017-11-26 10:05:07+8", "2017-11-26 10:05:07+08:0",
          "2017-11-26 10:05:07+08:000", "2017-11-26 10:05:07+080",
          "2017-11-26 10:05:07+19:00", "2017-11-26 10:05:07+08:60",
          "2017-11-26 10:05:07+0860", "2017-11-26 10:05:07 08:00",
          "2017-11-26 10:05:07 +08:00", "2017-11-26 10:05:07+08:00Z",
          "2017-11-26 10:05:07Z+08:00", "2017-11-26 10:05:07ZZ",
          "2017-11-26 10:05:07Z ", "2017-11-26 10:05:07 ", "2017-11-26 10:05:07+",
          "2017-11-26 10:05:07+ab:cd", "2017-11-26 10:05:07UTC",
          "2017-11-26 10:05:07+08;00"})
      {
        CAPTURE(bad);
        CHECK(bad_text(p, bad) == invalid);
      }
  }

  TEST_CASE("epoch seconds and millis are told apart by magnitude") {
    auto p = make_parser("Asia/Shanghai");
    const event_time expected = local(2017, 11, 26, 10, 5, 7);
    CHECK(ok_text(p, "1511661907") == expected);
    CHECK(ok_text(p, "1511661907123") == expected + 123);
    CHECK(ok_text(p, "1511661907.5") == expected + 500);
    CHECK(ok_text(p, "1511661907.1239") == expected + 123);
    CHECK(ok_text(p, "1511661907123.9") == expected + 123); // sub-ms truncated
    CHECK(ok_text(p, "0") == 8 * ms_per_hour);

    auto utc = make_parser("UTC");
    // Just below 10^11 is seconds (year 5138), 10^11 is millis (1973).
    CHECK(ok_text(utc, "99999999999") == 99'999'999'999'000);
    CHECK(to_civil(ok_text(utc, "99999999999")).year == 5138);
    CHECK(ok_text(utc, "100000000000") == 100'000'000'000);
    CHECK(format_sql_time(ok_text(utc, "100000000000")) == "1973-03-03 09:46:40");
    CHECK(ok_text(utc, "-1") == -1000);
    CHECK(ok_text(utc, "-1.5") == -1500);
    CHECK(ok_text(utc, "00001511661907") == 1'511'661'907'000);

    for (const char* bad : {"", "-", "+", "1.", ".5", "1..2", "1.2.3",
                            "0x10", "15116x1907", " 1511661907",
                            "1511661907 ", "--1", "abc", "\xd9\xa1"})
      {
        CAPTURE(bad);
        CHECK(bad_text(p, bad) == invalid);
      }
  }

  TEST_CASE("epoch values beyond any date are invalid, not overflowing") {
    auto p = make_parser("UTC");
    CHECK(bad_text(p, "9999999999999999999") == invalid);
    CHECK(bad_text(p, "99999999999999999999999999") == invalid);
    CHECK(bad_text(p, "-9999999999999999999") == invalid);
    CHECK(bad_text(p, "999999999999999999") == invalid);
    CHECK(number(p, "9999999999999999999").reason == invalid);
    CHECK(number(p, "123456789012345678901234567890").reason == invalid);
  }

  TEST_CASE("JSON numbers: integers, fractions and exponents") {
    auto p = make_parser("Asia/Shanghai");
    const event_time expected = local(2017, 11, 26, 10, 5, 7);
    CHECK(ok_number(p, "1511661907") == expected);
    CHECK(ok_number(p, "1511661907123") == expected + 123);
    CHECK(ok_number(p, "1511661907.25") == expected + 250);
    CHECK(ok_number(p, "1.511661907e9") == expected);
    CHECK(ok_number(p, "1.511661907E+9") == expected);
    CHECK(ok_number(p, "1.511661907123e12") == expected + 123);
    CHECK(ok_number(p, "15116619070e-1") == expected);
    CHECK(ok_number(p, "0") == 8 * ms_per_hour);
    CHECK(ok_number(p, "0e0") == 8 * ms_per_hour);
    CHECK(number(p, "1e400").reason == invalid);
    CHECK(number(p, "-1e20").reason == invalid);
    CHECK(number(p, "1e15").reason == invalid);
    CHECK(number(p, "abc").reason == invalid);
    CHECK(number(p, "").reason == invalid);
  }

  TEST_CASE("impossible dates and times are invalid; leap years are honoured") {
    auto p = make_parser();
    CHECK(ok_text(p, "2016-02-29 00:00:00") == local(2016, 2, 29));
    CHECK(ok_text(p, "2000-02-29 12:00:00") == local(2000, 2, 29, 12));
    CHECK(ok_text(p, "2017-12-31 23:59:59") == local(2017, 12, 31, 23, 59, 59));
    CHECK(ok_text(p, "2017-04-30 00:00:00") == local(2017, 4, 30));
    for (const char* bad :
         {"2017-02-29 00:00:00", "1900-02-29 00:00:00", "2100-02-29 00:00:00",
          "2017-02-30 00:00:00", "2016-02-30 00:00:00", "2017-04-31 00:00:00",
          "2017-13-01 00:00:00", "2017-00-10 00:00:00", "2017-01-00 00:00:00",
          "2017-01-32 00:00:00", "2017-11-26 24:00:00", "2017-11-26 23:60:00",
          "2017-11-26 23:59:60", "2017-11-26 99:99:99"})
      {
        CAPTURE(bad);
        CHECK(bad_text(p, bad) == invalid);
      }
  }

  TEST_CASE("malformed shapes are invalid") {
    auto p = make_parser();
    for (const char* bad :
         {"2017-11-26", "2017-11-26 10:05", "2017/11/26 10:05:07",
          "2017-11-26  10:05:07", " 2017-11-26 10:05:07", "2017-11-26_10:05:07",
          "2017-1a-26 10:05:07", "20171126 100507", "2017-11-26 10-05-07",
          "17-11-26 10:05:07", "+2017-11-26 10:05:07", "2017-11-26 10:05:07 PM",
          "2017-11-26 1:05:07", "2017-11-26 10:05:07.abc"})
      {
        CAPTURE(bad);
        CHECK(bad_text(p, bad) == invalid);
      }
  }

  TEST_CASE("a text in the last one's minute: only its seconds are read, as strictly") {
    auto p = make_parser();
    CHECK(ok_text(p, "2017-11-26 10:05:07") == local(2017, 11, 26, 10, 5, 7));
    CHECK(ok_text(p, "2017-11-26 10:05:59.5") == local(2017, 11, 26, 10, 5, 59, 500));
    CHECK(ok_text(p, "2017-11-26 10:05:00") == local(2017, 11, 26, 10, 5));
    // The same first 16 bytes with a bad rest are refused as without them.
    for (const char* bad :
         {"2017-11-26 10:05:60", "2017-11-26 10:05:7", "2017-11-26 10:05:0a",
          "2017-11-26 10:05-07", "2017-11-26 10:05:07.", "2017-11-26 10:05:07x"})
      {
        CAPTURE(bad);
        CHECK(bad_text(p, bad) == invalid);
      }
    // The separator is part of the minute: 'T' is parsed in full, to the
    // same time; another minute, another day, a bad date after a good one.
    CHECK(ok_text(p, "2017-11-26T10:05:08") == local(2017, 11, 26, 10, 5, 8));
    CHECK(ok_text(p, "2017-11-26 10:06:01") == local(2017, 11, 26, 10, 6, 1));
    CHECK(ok_text(p, "2017-11-27 10:06:01") == local(2017, 11, 27, 10, 6, 1));
    CHECK(bad_text(p, "2017-11-31 10:06:01") == invalid);
    CHECK(ok_text(p, "2017-11-27 10:06:02Z") == local(2017, 11, 27, 18, 6, 2));
    CHECK(ok_text(p, "2017-11-27 10:06:03") == local(2017, 11, 27, 10, 6, 3));
  }

  TEST_CASE("years outside 0001..9999 are invalid") {
    auto utc = make_parser("UTC");
    CHECK(bad_text(utc, "0000-01-01 00:00:00") == invalid);
    CHECK(bad_text(utc, "0000-12-31 23:59:59") == invalid);
    CHECK(ok_text(utc, "0001-01-01 00:00:00") == local(1, 1, 1));
    CHECK(ok_text(utc, "9999-12-31 23:59:59.999") == local(9999, 12, 31, 23, 59, 59, 999));
    CHECK(ok_text(utc, "0001-01-01T00:00:00Z") == local(1, 1, 1));
    CHECK(ok_text(utc, "9999-12-31T23:59:59.999Z")
          == local(9999, 12, 31, 23, 59, 59, 999));
    // Instants that fall outside once the offset is applied.
    CHECK(bad_text(utc, "0001-01-01 00:00:00+01:00") == invalid);
    CHECK(bad_text(utc, "9999-12-31 23:59:59-01:00") == invalid);
    // Epoch values at and beyond the bounds.
    CHECK(ok_text(utc, "-62135596800") == local(1, 1, 1));
    CHECK(bad_text(utc, "-62135596801") == invalid);
    CHECK(ok_text(utc, "253402300799999") == local(9999, 12, 31, 23, 59, 59, 999));
    CHECK(bad_text(utc, "253402300800000") == invalid);
    CHECK(ok_number(utc, "253402300799999") == local(9999, 12, 31, 23, 59, 59, 999));
    CHECK(number(utc, "253402300800000").reason == invalid);
  }

  TEST_CASE("the valid range is inclusive and checked in local time") {
    timestamp_policy policy;
    policy.zone = zone("Asia/Shanghai");
    policy.valid_from = local(2017, 11, 25);
    policy.valid_until = local(2017, 12, 3, 23, 59, 59, 999);
    timestamp_parser p{policy};

    CHECK(ok_text(p, "2017-11-25 00:00:00") == local(2017, 11, 25));
    CHECK(ok_text(p, "2017-12-03 23:59:59.999") == local(2017, 12, 3, 23, 59, 59, 999));
    CHECK(bad_text(p, "2017-11-24 23:59:59.999") == out_of_range);
    CHECK(bad_text(p, "2017-12-04 00:00:00") == out_of_range);
    CHECK(bad_text(p, "1902-01-01 00:00:00") == out_of_range);
    CHECK(bad_text(p, "2037-04-09 12:00:00") == out_of_range);
    // Instants are converted before the check: 16:00Z is midnight in Beijing.
    CHECK(ok_text(p, "2017-11-24T16:00:00Z") == local(2017, 11, 25));
    CHECK(bad_text(p, "2017-11-24T15:59:59.999Z") == out_of_range);
    CHECK(ok_text(p, "2017-12-03T15:59:59.999Z") == local(2017, 12, 3, 23, 59, 59, 999));
    CHECK(bad_text(p, "2017-12-03T16:00:00Z") == out_of_range);
    // 1511539200 = 2017-11-25 00:00:00 in Beijing.
    CHECK(ok_text(p, "1511539200") == local(2017, 11, 25));
    CHECK(bad_text(p, "1511539199") == out_of_range);
    CHECK(bad_text(p, "1511539199999") == out_of_range);
    CHECK(number(p, "1511539199").reason == out_of_range);
    CHECK(ok_number(p, "1511539200") == local(2017, 11, 25));
    // An invalid value stays invalid, whatever the range.
    CHECK(bad_text(p, "2017-02-30 00:00:00") == invalid);
    CHECK(bad_text(p, "garbage") == invalid);
  }
}
