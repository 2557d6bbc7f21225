// The SQL source's parse stage (worker/parse/sql_row_decoder): the seed's
// JSON messages as jobs/taobao.sql's user_behavior rows, and every reject
// with the built-in parser's reason.

#include "worker/parse/sql_row_decoder.hpp"

#include "common/sql/sql_binder.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace ubaflow;

namespace {

bound_table user_behavior() {
  std::ifstream in{UBAFLOW_SOURCE_DIR "/jobs/taobao.sql"};
  std::stringstream text;
  text << in.rdbuf();
  auto bound = bind_sql(text.str());
  REQUIRE(bound.ok());
  return bound.script.tables.at(0);
}

} // namespace

TEST_SUITE("parse.sql_row_decoder") {

TEST_CASE("a seed message becomes the table's physical columns") {
  timestamp_policy policy;
  policy.zone = *time_zone::load("Asia/Shanghai");
  sql_row_decoder decoder{user_behavior(), timestamp_parser{policy}};
  sql_row row;
  REQUIRE(decoder
            .decode(R"({"user_id": "1001", "item_id": 2002, "category_id": "3003",)"
                    R"( "behavior": "buy", "ts": "2017-11-26 10:00:00", "x": [1]})",
                    row)
            .ok());
  REQUIRE(row.size() == 5); // proctime is computed, not read
  CHECK(row[0] == sql_value::bigint(1001));
  CHECK(row[1] == sql_value::bigint(2002));
  CHECK(row[2] == sql_value::bigint(3003));
  CHECK(row[3] == sql_value::string("buy"));
  CHECK(row[4] == sql_value::timestamp(1511690400000)); // local wall clock
}

TEST_CASE("rejects carry the built-in parser's reasons") {
  sql_row_decoder decoder{user_behavior(), timestamp_parser{timestamp_policy{}}};
  sql_row row;
  auto reason = [&](std::string_view record) {
    return decoder.decode(record, row).reason;
  };
  const char* good_rest = R"("category_id": 3, "behavior": "pv", "ts": "2017-11-26 10:00:00")";
  CHECK(reason("not json") == reject_reason::malformed_record);
  CHECK(reason("[1, 2]") == reject_reason::malformed_record);
  CHECK(reason(std::string{R"({"user_id": 1, )"} + good_rest + "}")
        == reject_reason::missing_field);
  CHECK(reason(std::string{R"({"user_id": 1, "item_id": null, )"} + good_rest + "}")
        == reject_reason::missing_field);
  CHECK(reason(std::string{R"({"user_id": "x1", "item_id": 2, )"} + good_rest + "}")
        == reject_reason::invalid_id);
  CHECK(reason(R"({"user_id": 1, "item_id": 2, "category_id": 3, "behavior": 7,)"
               R"( "ts": "2017-11-26 10:00:00"})")
        == reject_reason::malformed_record);
  CHECK(reason(R"({"user_id": 1, "item_id": 2, "category_id": 3, "behavior": "pv",)"
               R"( "ts": "yesterday"})")
        == reject_reason::invalid_timestamp);
  CHECK(reason(std::string{R"({"user_id": 1, "item_id": 2, )"} + good_rest + "}")
        == reject_reason::none);
}

} // TEST_SUITE
