// Sink rows as documents (common/sql/exec/sql_document): every type as the
// built-in job writes it, and primary keys as JSON text.

#include "common/sql/exec/sql_document.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("sql.exec.document") {

TEST_CASE("values are written as the built-in job writes its results") {
  auto shanghai = time_zone::load("Asia/Shanghai");
  REQUIRE(shanghai);
  const int64_t local = 1511661600000; // 2017-11-26 02:00:00
  auto text = [&](const sql_value& v) {
    return boost::json::serialize(document_value(v, *shanghai));
  };
  CHECK(text(sql_value::null()) == "null");
  CHECK(text(sql_value::boolean(true)) == "true");
  CHECK(text(sql_value::bigint(-42)) == "-42");
  CHECK(text(sql_value::double_(0.5)) == "5E-1");
  CHECK(text(sql_value::decimal(1250, 2)) == "1.25E1");
  CHECK(text(sql_value::string("Women's \"Clothing\"")) == "\"Women's \\\"Clothing\\\"\"");
  CHECK(text(sql_value::timestamp(local)) == "\"2017-11-26 02:00:00\"");
  // The instant of 02:00 in Shanghai, shown with the zone's offset.
  CHECK(text(sql_value::timestamp_ltz(local - 8 * 3600000))
        == "\"2017-11-26T02:00:00+08:00\"");
  CHECK(text(sql_value::date(17496)) == "\"2017-11-26\"");
  // JSON has no NaN or infinity.
  CHECK(text(sql_value::double_(1.0 / 0.0)) == "null");
  CHECK(text(sql_value::double_(std::nan(""))) == "null");
}

TEST_CASE("a row becomes one field per column; keys read back as text") {
  bound_table sink;
  sink.columns.resize(2);
  sink.columns[0].name = "category_name";
  sink.columns[1].name = "buy_cnt";
  const auto document
    = sql_document(sink, {sql_value::string("Books"), sql_value::bigint(7)},
                   time_zone::utc());
  CHECK(boost::json::serialize(document)
        == R"({"category_name":"Books","buy_cnt":7})");
  CHECK(document_key({"category_name"}, document) == R"(["Books"])");
  CHECK(document_key({"missing", "buy_cnt"}, document) == R"([null,7])");
}

TEST_CASE("document ids are the primary key's values, as Flink's sink writes them") {
  bound_table sink;
  sink.columns.resize(3);
  sink.columns[0].name = "event_time";
  sink.columns[1].name = "name";
  sink.columns[2].name = "n";
  const int64_t local = 1511661600000; // 2017-11-26 02:00:00
  const sql_row row{sql_value::timestamp(local), sql_value::string("Books"),
                    sql_value::bigint(7)};
  auto id = [&](std::vector<uint32_t> key, const sql_row& r) {
    sink.primary_key = std::move(key);
    return document_id(sink, r, sql_document(sink, r, time_zone::utc()));
  };
  // A TIMESTAMP in ISO 8601 (no blank), a string as it is, several joined.
  CHECK(id({0}, row) == "2017-11-26T02:00:00");
  CHECK(id({1}, row) == "Books");
  CHECK(id({0, 1, 2}, row) == "2017-11-26T02:00:00_Books_7");
  // The same row, the same id: a replay overwrites.
  CHECK(id({1, 2}, row) == id({1, 2}, row));
  // A delimiter inside a value of a key of several fields would make two
  // keys share an id: hashed instead. One field keeps its value.
  const sql_row odd{sql_value::timestamp(local), sql_value::string("a_b"),
                    sql_value::bigint(7)};
  CHECK(id({1}, odd) == "a_b");
  CHECK(id({1, 2}, odd).rfind("hash-", 0) == 0);
  CHECK(id({1, 2}, odd) != id({1, 2}, row));
  // No key: a hash of the whole document; too long: hashed.
  const auto whole = id({}, row);
  CHECK(whole.rfind("hash-", 0) == 0);
  CHECK(whole.size() == 21);
  CHECK(whole != id({}, odd));
  const sql_row long_name{sql_value::timestamp(local),
                          sql_value::string(std::string(600, 'x')),
                          sql_value::bigint(1)};
  CHECK(id({1}, long_name).rfind("hash-", 0) == 0);
  // NULL in a key field.
  const sql_row null_name{sql_value::timestamp(local), sql_value::null(),
                          sql_value::bigint(1)};
  CHECK(id({1, 2}, null_name) == "null_1");
}

} // TEST_SUITE
