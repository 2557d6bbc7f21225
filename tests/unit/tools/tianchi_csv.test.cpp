#include "tools/datagen/tianchi_csv.hpp"

#include "common/time/civil.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;

namespace {

tianchi_csv_parser make_parser() {
  timestamp_policy policy;
  policy.zone = *time_zone::load("Asia/Shanghai");
  return tianchi_csv_parser{timestamp_parser{policy}};
}

const event_time beijing_20171126_100507
  = days_from_civil(2017, 11, 26) * ms_per_day + 10 * ms_per_hour
    + 5 * ms_per_minute + 7 * ms_per_second;

} // namespace

TEST_SUITE("tianchi_csv_parser") {
  TEST_CASE("a Tianchi line with epoch seconds") {
    auto p = make_parser();
    user_event e;
    REQUIRE(p.parse("1,2268318,2520377,pv,1511661907", e).ok());
    CHECK(e.user_id == 1);
    CHECK(e.item_id == 2268318);
    CHECK(e.category_id == 2520377);
    CHECK(e.kind == behavior::pv);
    CHECK(e.ts == beijing_20171126_100507);
    REQUIRE(p.parse("100,5,6,buy,1511661907123", e).ok());
    CHECK(e.kind == behavior::buy);
    CHECK(e.ts == beijing_20171126_100507 + 123);
  }

  TEST_CASE("a trailing carriage return is ignored") {
    auto p = make_parser();
    user_event e;
    REQUIRE(p.parse("7,8,9,cart,1511661907\r", e).ok());
    CHECK(e.kind == behavior::cart);
    CHECK(e.ts == beijing_20171126_100507);
    REQUIRE(p.parse("7,8,9,fav,2017-11-26 10:05:07\r", e).ok());
    CHECK(e.kind == behavior::fav);
    CHECK(e.ts == beijing_20171126_100507);
    // Only one, and only at the very end.
    CHECK(p.parse("7,8,9,fav,1511661907\r\r", e).reason
          == reject_reason::invalid_timestamp);
    CHECK(p.parse("7,8,9,fav\r,1511661907", e).reason
          == reject_reason::unknown_behavior);
  }

  TEST_CASE("every accepted timestamp shape works in the last column") {
    auto p = make_parser();
    user_event e;
    for (const char* ts : {"1511661907", "2017-11-26 10:05:07", "2017-11-26T10:05:07",
                           "2017-11-26T02:05:07Z", "2017-11-26 10:05:07+08:00",
                           "1511661907.000"}) {
      CAPTURE(ts);
      REQUIRE(p.parse(std::string{"1,2,3,pv,"} + ts, e).ok());
      CHECK(e.ts == beijing_20171126_100507);
    }
  }

  TEST_CASE("column count errors are malformed_record") {
    auto p = make_parser();
    user_event e;
    auto status = p.parse("1,2,3,pv", e);
    CHECK(status.reason == reject_reason::malformed_record);
    CHECK(std::string{status.detail} == "csv: fewer than 5 columns");
    status = p.parse("1,2,3,pv,1511661907,extra", e);
    CHECK(status.reason == reject_reason::malformed_record);
    CHECK(std::string{status.detail} == "csv: more than 5 columns");
    CHECK(p.parse("1,2,3,pv,1511661907,", e).reason == reject_reason::malformed_record);
    CHECK(p.parse("", e).reason == reject_reason::malformed_record);
    CHECK(p.parse("\r", e).reason == reject_reason::malformed_record);
    CHECK(p.parse("1;2;3;pv;1511661907", e).reason == reject_reason::malformed_record);
  }

  TEST_CASE("field errors name the field") {
    auto p = make_parser();
    user_event e;
    auto expect = [&](const char* line, reject_reason reason, const char* detail) {
      CAPTURE(line);
      auto status = p.parse(line, e);
      CHECK(status.reason == reason);
      CHECK(std::string{status.detail} == detail);
    };
    expect(",2,3,pv,1511661907", reject_reason::invalid_id, "field 'user_id'");
    expect("x,2,3,pv,1511661907", reject_reason::invalid_id, "field 'user_id'");
    expect("1.0,2,3,pv,1511661907", reject_reason::invalid_id, "field 'user_id'");
    expect("1,,3,pv,1511661907", reject_reason::invalid_id, "field 'item_id'");
    expect("1,99999999999999999999,3,pv,1511661907", reject_reason::invalid_id,
           "field 'item_id'");
    expect("1,2,,pv,1511661907", reject_reason::invalid_id, "field 'category_id'");
    expect("1,2,\"3\",pv,1511661907", reject_reason::invalid_id, "field 'category_id'");
    expect("1,2,3,PV,1511661907", reject_reason::unknown_behavior, "field 'behavior'");
    expect("1,2,3,,1511661907", reject_reason::unknown_behavior, "field 'behavior'");
    expect("1,2,3, pv,1511661907", reject_reason::unknown_behavior, "field 'behavior'");
    expect("1,2,3,pv,", reject_reason::invalid_timestamp, "field 'ts'");
    expect("1,2,3,pv,soon", reject_reason::invalid_timestamp, "field 'ts'");
    expect("1,2,3,pv,2017-02-30 00:00:00", reject_reason::invalid_timestamp,
           "field 'ts'");
    // A header line handed to the parser is not an event.
    expect("user_id,item_id,category_id,behavior,timestamp", reject_reason::invalid_id,
           "field 'user_id'");
  }

  TEST_CASE("ids allow surrounding spaces and signs like the JSON parser") {
    auto p = make_parser();
    user_event e;
    REQUIRE(p.parse(" 1 ,-2,+3,pv,1511661907", e).ok());
    CHECK(e.user_id == 1);
    CHECK(e.item_id == -2);
    CHECK(e.category_id == 3);
  }

  TEST_CASE("the valid range applies") {
    timestamp_policy policy;
    policy.zone = *time_zone::load("Asia/Shanghai");
    policy.valid_from = days_from_civil(2017, 11, 25) * ms_per_day;
    tianchi_csv_parser p{timestamp_parser{policy}};
    user_event e;
    CHECK(p.parse("1,2,3,pv,1511661907", e).ok());
    CHECK(p.parse("1,2,3,pv,1000000000", e).reason
          == reject_reason::timestamp_out_of_range);
  }

  TEST_CASE("header detection") {
    CHECK(tianchi_csv_parser::is_header("user_id,item_id,category_id,behavior,timestamp"));
    CHECK(tianchi_csv_parser::is_header("user_id,item_id,category_id,behavior,ts\r"));
    CHECK_FALSE(tianchi_csv_parser::is_header("1,2,3,pv,1511661907"));
    CHECK_FALSE(tianchi_csv_parser::is_header(""));
    CHECK_FALSE(tianchi_csv_parser::is_header("user"));
    CHECK_FALSE(tianchi_csv_parser::is_header(" user_id,item_id"));
  }
}
