#include "worker/sink/es_bulk.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ubaflow;

namespace {

taken_row taken(result_kind kind, std::string id, std::string document) {
  return {{to_string(kind), std::move(id), std::move(document)}, 1};
}

} // namespace

TEST_SUITE("es_bulk") {
  TEST_CASE("index names with and without a prefix") {
    index_names plain;
    CHECK(plain.of(result_kind::buy_cnt_per_hour) == "buy_cnt_per_hour");
    CHECK(plain.of(result_kind::cumulative_uv) == "cumulative_uv");
    CHECK(plain.of(result_kind::cumulative_uv_daily) == "cumulative_uv_daily");
    CHECK(plain.of(result_kind::top_category) == "top_category");
    index_names prefixed{"test-"};
    CHECK(prefixed.of(result_kind::top_category) == "test-top_category");
  }

  TEST_CASE("encode_bulk writes exact NDJSON with a trailing newline") {
    const std::vector<taken_row> rows{
      taken(result_kind::buy_cnt_per_hour, "2017-11-26T10:00:00", R"({"buy_cnt":5})"),
      taken(result_kind::top_category, "女装", R"({"category_name":"女装","buy_cnt":1})"),
    };
    CHECK(encode_bulk(rows, index_names{})
          == "{\"index\":{\"_index\":\"buy_cnt_per_hour\",\"_id\":\"2017-11-26T10:00:00\"}}\n"
             "{\"buy_cnt\":5}\n"
             "{\"index\":{\"_index\":\"top_category\",\"_id\":\"女装\"}}\n"
             "{\"category_name\":\"女装\",\"buy_cnt\":1}\n");
    CHECK(encode_bulk({}, index_names{}) == "");
  }

  TEST_CASE("ids and index names are JSON-escaped in the action line") {
    const std::vector<taken_row> rows{
      taken(result_kind::top_category, "a\"b\\c\nd", "{}"),
    };
    const auto body = encode_bulk(rows, index_names{"p\"x-"});
    CHECK(body
          == "{\"index\":{\"_index\":\"p\\\"x-top_category\",\"_id\":\"a\\\"b\\\\c\\nd\"}}\n{}\n");
    // Every line is one JSON object: no raw newline leaks into the action.
    const auto action = body.substr(0, body.find('\n'));
    boost::json::error_code ec;
    auto value = boost::json::parse(action, ec);
    REQUIRE_FALSE(ec);
    CHECK(std::string{value.at("index").at("_id").as_string()} == "a\"b\\c\nd");
  }

  TEST_CASE("classify_status") {
    CHECK(classify_status(200) == item_outcome::ok);
    CHECK(classify_status(201) == item_outcome::ok);
    CHECK(classify_status(299) == item_outcome::ok);
    CHECK(classify_status(429) == item_outcome::retry);
    CHECK(classify_status(500) == item_outcome::retry);
    CHECK(classify_status(503) == item_outcome::retry);
    CHECK(classify_status(599) == item_outcome::retry);
    CHECK(classify_status(400) == item_outcome::reject);
    CHECK(classify_status(404) == item_outcome::reject);
    CHECK(classify_status(409) == item_outcome::reject);
    CHECK(classify_status(413) == item_outcome::reject);
    CHECK(classify_status(300) == item_outcome::reject);
    CHECK(classify_status(0) == item_outcome::reject);
    CHECK(classify_status(199) == item_outcome::reject);
  }

  TEST_CASE("parse_bulk_response: per-item statuses and errors") {
    const std::string body = R"({"took":3,"errors":true,"items":[
      {"index":{"_index":"cumulative_uv","_id":"a","status":201,"result":"created"}},
      {"index":{"_index":"cumulative_uv","_id":"b","status":200,"result":"updated"}},
      {"index":{"_id":"c","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse field [uv]"}}},
      {"index":{"_id":"d","status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}},
      {"index":{"_id":"e","status":503,"error":"unavailable"}},
      {"create":{"_id":"f","status":200,"error":{"type":"odd","reason":"error with 2xx"}}}
    ]})";
    auto r = parse_bulk_response(body, 6);
    CHECK(r.error.empty());
    CHECK(r.errors);
    REQUIRE(r.items.size() == 6);
    CHECK(r.items[0].outcome == item_outcome::ok);
    CHECK(r.items[0].status == 201);
    CHECK(r.items[1].outcome == item_outcome::ok);
    CHECK(r.items[2].outcome == item_outcome::reject);
    CHECK(r.items[2].status == 400);
    CHECK(r.items[2].error_type == "mapper_parsing_exception");
    CHECK(r.items[2].reason == "failed to parse field [uv]");
    CHECK(r.items[3].outcome == item_outcome::retry);
    CHECK(r.items[3].error_type == "es_rejected_execution_exception");
    CHECK(r.items[4].outcome == item_outcome::retry);
    CHECK(r.items[4].reason == "unavailable");
    CHECK(r.items[4].error_type.empty());
    CHECK(r.items[5].outcome == item_outcome::reject); // an error despite 2xx
  }

  TEST_CASE("parse_bulk_response: all fine") {
    auto r = parse_bulk_response(
      R"({"took":1,"errors":false,"items":[{"index":{"status":200}}]})", 1);
    CHECK(r.error.empty());
    CHECK_FALSE(r.errors);
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].outcome == item_outcome::ok);
  }

  TEST_CASE("parse_bulk_response: a missing status is a rejection") {
    auto r = parse_bulk_response(R"({"items":[{"index":{"_id":"x"}}]})", 1);
    CHECK(r.error.empty());
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].status == 0);
    CHECK(r.items[0].outcome == item_outcome::reject);
  }

  TEST_CASE("parse_bulk_response: mismatched counts and garbage") {
    auto r = parse_bulk_response(R"({"errors":false,"items":[{"index":{"status":200}}]})", 2);
    CHECK(r.error == "bulk response has 1 items for 2 actions");
    CHECK(r.items.size() == 1);
    r = parse_bulk_response(R"({"errors":false,"items":[]})", 1);
    CHECK(r.error == "bulk response has 0 items for 1 actions");
    for (const char* garbage : {"", "not json", "[]", "42", "{\"items\":", "<html>502</html>"}) {
      CAPTURE(garbage);
      CHECK(parse_bulk_response(garbage, 1).error == "bulk response is not a JSON object");
    }
    CHECK(parse_bulk_response("{}", 0).error == "bulk response has no items array");
    CHECK(parse_bulk_response(R"({"items":{}})", 0).error == "bulk response has no items array");
    CHECK(parse_bulk_response(R"({"items":[1]})", 1).error
          == "bulk response item is not an object");
    CHECK(parse_bulk_response(R"({"items":[{}]})", 1).error
          == "bulk response item is not an object");
    CHECK(parse_bulk_response(R"({"items":[{"index":5}]})", 1).error
          == "bulk response item has no action object");
  }

  TEST_CASE("describe_es_error") {
    CHECK(describe_es_error(R"({"error":{"type":"index_not_found_exception","reason":"no such index [x]"},"status":404})")
          == "index_not_found_exception: no such index [x]");
    CHECK(describe_es_error(R"({"error":"Incorrect HTTP method"})") == "Incorrect HTTP method");
    CHECK(describe_es_error("<html>\nBad Gateway</html>") == "<html>\\x0aBad Gateway</html>");
    CHECK(describe_es_error(R"({"ok":true})") == R"({"ok":true})");
    const std::string big(1000, 'x');
    CHECK(describe_es_error(big) == std::string(300, 'x') + "...(1000 bytes)");
  }
}
