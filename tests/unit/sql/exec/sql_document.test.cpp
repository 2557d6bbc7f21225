// Sink rows as documents (common/sql/exec/sql_document): every type as the
// built-in job writes it, and primary keys as JSON text.

#include "common/sql/exec/sql_document.hpp"

#include <boost/json/serialize.hpp>
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

} // TEST_SUITE
