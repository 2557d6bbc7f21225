#include "common/time/civil.hpp"
#include "common/time/time_zone.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("civil_time") {
  TEST_CASE("days_from_civil and to_civil round-trip across eras") {
    for (int64_t days : {-719468LL, -1LL, 0LL, 17496LL, 2932896LL}) {
      const event_time t = days * ms_per_day + 12 * ms_per_hour + 345;
      const civil_fields f = to_civil(t);
      CHECK(from_civil(f) == t);
    }
    CHECK(days_from_civil(1970, 1, 1) == 0);
    CHECK(days_from_civil(2017, 11, 25) == 17495);
    CHECK(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28) == 2);
  }

  TEST_CASE("formatting") {
    const event_time t = days_from_civil(2017, 11, 26) * ms_per_day
                         + 10 * ms_per_hour + 5 * ms_per_minute + 7000;
    CHECK(format_sql_time(t) == "2017-11-26 10:05:07");
    CHECK(format_iso_local(t) == "2017-11-26T10:05:07");
    CHECK(format_date(t) == "2017-11-26");
    CHECK(format_iso_with_offset(t, 8 * ms_per_hour)
          == "2017-11-26T10:05:07+08:00");
    CHECK(format_iso_with_offset(t, -(5 * ms_per_hour + 30 * ms_per_minute))
          == "2017-11-26T10:05:07-05:30");
  }

  TEST_CASE("floor division and alignment handle negative times") {
    CHECK(floor_div(-1, 10) == -1);
    CHECK(floor_div(-10, 10) == -1);
    CHECK(floor_div(-11, 10) == -2);
    CHECK(align_down(-1, ms_per_hour) == -ms_per_hour);
    CHECK(align_down(ms_per_hour + 1, ms_per_hour) == ms_per_hour);
  }

  TEST_CASE("time zones convert instants to local wall-clock millis") {
    auto shanghai = time_zone::load("Asia/Shanghai");
    REQUIRE(shanghai);
    // 1511539200 = 2017-11-25 00:00:00 in Beijing.
    CHECK(format_sql_time(shanghai->to_local(1511539200000))
          == "2017-11-25 00:00:00");
    CHECK(shanghai->to_instant(shanghai->to_local(1511539200000))
          == 1511539200000);
    auto fixed = time_zone::load("-05:30");
    REQUIRE(fixed);
    CHECK(fixed->offset_at_instant(0) == -(5 * ms_per_hour + 30 * ms_per_minute));
    std::string error;
    CHECK_FALSE(time_zone::load("Mars/Olympus", &error));
    CHECK(error.find("Mars/Olympus") != std::string::npos);
  }

  TEST_CASE("daylight-saving transitions are honoured") {
    auto berlin = time_zone::load("Europe/Berlin");
    REQUIRE(berlin);
    // 2017-03-26 01:00 UTC: clocks jump from 02:00 to 03:00 local.
    const int64_t before = 1490489999000; // 00:59:59 UTC
    CHECK(berlin->offset_at_instant(before) == ms_per_hour);
    CHECK(berlin->offset_at_instant(before + 1000) == 2 * ms_per_hour);
  }
}
