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

TEST_CASE("fields are read by name, top level only, the last of a name counting") {
  sql_row_decoder decoder{user_behavior(), timestamp_parser{timestamp_policy{}}};
  sql_row row;
  const char* rest = R"("category_id": 3, "ts": "2017-11-26 10:00:00")";
  // Nested fields of the same names, escapes, duplicates, spaces after.
  REQUIRE(decoder
            .decode(std::string{R"({"meta": {"user_id": 9, "behavior": ["x"]},)"}
                      + R"( "user_id": 5, "item_id": "7", "behavior": "c\u0061rt",)"
                      + R"( "user_id": 6, )" + rest + "}  \n",
                    row)
            .ok());
  CHECK(row[0] == sql_value::bigint(6));
  CHECK(row[1] == sql_value::bigint(7));
  CHECK(row[3] == sql_value::string("cart"));
  // A column's field holding an object or an array is the wrong type.
  CHECK(decoder.decode(std::string{R"({"user_id": {"id": 1}, "item_id": 2, "behavior": "pv", )"}
                         + rest + "}",
                       row)
          .reason
        == reject_reason::invalid_id);
  CHECK(decoder.decode(std::string{R"({"user_id": 1, "item_id": 2, "behavior": ["pv"], )"}
                         + rest + "}",
                       row)
          .reason
        == reject_reason::malformed_record);
  // Anything after the object, or a cut-off object, is not a record.
  CHECK(decoder.decode(std::string{R"({"user_id": 1, "item_id": 2, "behavior": "pv", )"}
                         + rest + "} {}",
                       row)
          .reason
        == reject_reason::malformed_record);
  CHECK(decoder.decode(R"({"user_id": 1, "item_id": 2)", row).reason
        == reject_reason::malformed_record);
  // Epoch numbers as written (seconds or milliseconds, as the built-in parser).
  REQUIRE(decoder
            .decode(R"({"user_id": 1, "item_id": 2, "category_id": 3, "behavior": "pv",)"
                    R"( "ts": 1511690400})",
                    row)
            .ok());
  CHECK(row[4] == sql_value::timestamp(1511690400000));
  // The decoder is reused: a good record after bad ones.
  CHECK(decoder.decode("{", row).reason == reject_reason::malformed_record);
  CHECK(decoder
          .decode(R"({"user_id": 1, "item_id": 2, "category_id": 3, "behavior": "pv",)"
                  R"( "ts": "2017-11-26 10:00:00"})",
                  row)
          .ok());
}

} // TEST_SUITE
