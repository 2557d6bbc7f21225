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

TEST_CASE("in the table's layout, the columns go to their places and computed ones stay") {
  // A source task decodes into every column of the table and fills the
  // computed ones (proctime, the last) in place.
  timestamp_policy policy;
  policy.zone = *time_zone::load("Asia/Shanghai");
  const auto table = user_behavior();
  sql_row_decoder decoder{table, timestamp_parser{policy}, sql_row_layout::table};
  sql_row row;
  const char* record = R"({"ts": 1511690400000, "behavior": "pv", "category_id": 3,)"
                       R"( "item_id": 2, "user_id": 1})"; // another order
  REQUIRE(decoder.decode(record, row).ok());
  REQUIRE(row.size() == table.columns.size());
  CHECK(row[0] == sql_value::bigint(1));
  CHECK(row[1] == sql_value::bigint(2));
  CHECK(row[2] == sql_value::bigint(3));
  CHECK(row[3] == sql_value::string("pv"));
  CHECK(row[5].is_null()); // proctime: the caller's
  row[5] = sql_value::timestamp_ltz(7);
  REQUIRE(decoder.decode_csv("4,5,6,buy,1511690400", row).ok());
  CHECK(row[0] == sql_value::bigint(4));
  CHECK(row[3] == sql_value::string("buy"));
  CHECK(row[4] == sql_value::timestamp(1511690400000 + 8 * 3600 * 1000));
  CHECK(row[5] == sql_value::timestamp_ltz(7)); // left as it was
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
  // After the object only JSON's whitespace (space, tab, LF, CR) may come:
  // C's \v and \f are not JSON's (found by fuzz.records).
  const std::string good = std::string{R"({"user_id": 1, "item_id": 2, )"} + good_rest + "}";
  CHECK(reason(good + " \t\r\n") == reject_reason::none);
  CHECK(reason(good + "\v") == reject_reason::malformed_record);
  CHECK(reason(good + "\n\f") == reject_reason::malformed_record);
  CHECK(reason(good + " x") == reject_reason::malformed_record);
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

TEST_CASE("a key is recognised by its bytes only when they are its whole string") {
  // The usual record: each key compared in place with the column after the
  // one found last (json_reader::consume_exact_string). Keys that only
  // start like it, escaped spellings, another order and cut-off keys are
  // read and matched as any other key.
  sql_row_decoder decoder{user_behavior(), timestamp_parser{timestamp_policy{}}};
  sql_row row;
  const std::string seed = R"({"user_id": "1", "item_id": "2", "category_id": "3",)"
                           R"( "behavior": "pv", "ts": "2017-11-26 10:00:00"})";
  for (int i = 0; i < 3; ++i) { // the expected key moves on record by record
    REQUIRE(decoder.decode(seed, row).ok());
    CHECK(row[0] == sql_value::bigint(1));
    CHECK(row[2] == sql_value::bigint(3));
  }
  // "user_idx" and "user_i" are not user_id (which is then missing).
  const std::string others = R"("item_id": 2, "category_id": 3, "behavior": "pv",)"
                             R"( "ts": "2017-11-26 10:00:00"})";
  CHECK(decoder.decode(R"({"user_idx": 9, )" + others, row).reason
        == reject_reason::missing_field);
  CHECK(decoder.decode(R"({"user_i": 9, )" + others, row).reason
        == reject_reason::missing_field);
  // An escaped spelling is the same name; after it, the next key in place.
  REQUIRE(decoder.decode(R"({"user\u005fid": 8, )" + others, row).ok());
  CHECK(row[0] == sql_value::bigint(8));
  // The expected name cut off at the end of the input, or without its
  // closing quote: not a record.
  for (const char* cut : {R"({"user_id)", R"({"user_id)" "\"", R"({"user_id": 1, "item_id)"})
    CHECK(decoder.decode(cut, row).reason == reject_reason::malformed_record);
  // Keys in another order still find their columns, and the seed's order after.
  REQUIRE(decoder.decode(R"({"ts": "2017-11-26 10:00:00", "behavior": "buy", "category_id": 5,)"
                         R"( "item_id": 4, "user_id": 3})",
                         row)
            .ok());
  CHECK(row[0] == sql_value::bigint(3));
  CHECK(row[2] == sql_value::bigint(5));
  REQUIRE(decoder.decode(seed, row).ok());
  CHECK(row[3] == sql_value::string("pv"));
}

TEST_CASE("CSV lines: fields in column order, quoting, a delimiter, a header") {
  timestamp_policy policy;
  policy.zone = *time_zone::load("Asia/Shanghai");
  sql_row_decoder decoder{user_behavior(), timestamp_parser{policy}};
  sql_row row;
  // The Tianchi file's shape: epoch seconds in the TIMESTAMP column.
  REQUIRE(decoder.decode_csv("1001,2002,3003,buy,1511661600\r", row).ok());
  REQUIRE(row.size() == 5);
  CHECK(row[0] == sql_value::bigint(1001));
  CHECK(row[3] == sql_value::string("buy"));
  CHECK(row[4] == sql_value::timestamp(1511690400000)); // 10:00 in Shanghai
  // Quoted fields, a timestamp as text, a negative id; the row is reused.
  REQUIRE(decoder.decode_csv("\"-7\",2,3,\"a,\"\"b\"\"\",2017-11-26 10:00:00", row).ok());
  CHECK(row[0] == sql_value::bigint(-7));
  CHECK(row[3] == sql_value::string("a,\"b\""));
  CHECK(row[4] == sql_value::timestamp(1511690400000));
  // An empty STRING is a value; an empty id is missing.
  CHECK(decoder.decode_csv("1,2,3,,1511661600", row).ok());
  CHECK(row[3] == sql_value::string(""));
  auto reason = [&](std::string_view line) {
    return decoder.decode_csv(line, row).reason;
  };
  CHECK(reason("1,,3,pv,1511661600") == reject_reason::missing_field);
  CHECK(reason("1,2,3,pv") == reject_reason::malformed_record);
  CHECK(reason("1,2,3,pv,1511661600,9") == reject_reason::malformed_record);
  CHECK(reason("x,2,3,pv,1511661600") == reject_reason::invalid_id);
  CHECK(reason("1,2,3,pv,yesterday") == reject_reason::invalid_timestamp);
  CHECK(reason("1,2,3,\"pv,1511661600") == reject_reason::malformed_record);
  CHECK(decoder.is_csv_header("USER_ID,item_id,category_id,behavior,ts"));
  CHECK_FALSE(decoder.is_csv_header("1001,2002,3003,buy,1511661600"));

  // A table's 'csv.field-delimiter'; DOUBLE and BOOLEAN columns.
  auto bound = bind_sql(
    "CREATE TABLE t (id BIGINT, score DOUBLE, ok BOOLEAN, name STRING) WITH "
    "('connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' "
    "= 'k:9092', 'format' = 'csv', 'csv.field-delimiter' = ';');\n"
    "CREATE TABLE s (n BIGINT) WITH ('connector' = 'elasticsearch-7', "
    "'hosts' = 'http://es:9200', 'index' = 's');\n"
    "INSERT INTO s SELECT id FROM t;");
  REQUIRE_MESSAGE(bound.ok(), bound.error->to_string());
  sql_row_decoder semicolons{bound.script.tables.at(0), timestamp_parser{policy}};
  REQUIRE(semicolons.decode_csv("5;2.5;true;a,b", row).ok());
  CHECK(row[0] == sql_value::bigint(5));
  CHECK(row[1] == sql_value::double_(2.5));
  CHECK(row[2] == sql_value::boolean(true));
  CHECK(row[3] == sql_value::string("a,b"));
  CHECK(semicolons.decode_csv("5;x;true;a", row).reason == reject_reason::malformed_record);
  CHECK(semicolons.decode_csv("5;1;maybe;a", row).reason == reject_reason::malformed_record);
}

} // TEST_SUITE
