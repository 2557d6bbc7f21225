#include "worker/sink/es_templates.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace ubaflow;

namespace {

boost::json::object parse(const std::string& text) {
  boost::json::error_code ec;
  auto value = boost::json::parse(text, ec);
  REQUIRE_MESSAGE(!ec, text);
  REQUIRE(value.is_object());
  return value.as_object();
}

std::string type_of(const boost::json::object& properties, const char* field) {
  const auto* p = properties.if_contains(field);
  REQUIRE_MESSAGE(p, field);
  return std::string{p->at("type").as_string()};
}

std::string format_of(const boost::json::object& properties, const char* field) {
  return std::string{properties.at(field).at("format").as_string()};
}

} // namespace

TEST_SUITE("es_templates") {
  TEST_CASE("one valid legacy template per index") {
    const auto templates = index_templates(index_names{});
    REQUIRE(templates.size() == 4);
    std::map<std::string, boost::json::object> by_name;
    for (const auto& [name, body] : templates)
      by_name[name] = parse(body);
    for (const char* index : {"buy_cnt_per_hour", "cumulative_uv", "cumulative_uv_daily",
                              "top_category"}) {
      CAPTURE(index);
      const std::string name = std::string{"ubaflow-"} + index;
      REQUIRE(by_name.count(name) == 1);
      auto& t = by_name[name];
      const auto& patterns = t.at("index_patterns").as_array();
      REQUIRE(patterns.size() == 1);
      CHECK(std::string{patterns[0].as_string()} == index);
      CHECK(t.at("order").as_int64() == 10);
      CHECK(t.at("settings").at("number_of_shards").as_int64() == 1);
      const auto& mappings = t.at("mappings").as_object();
      CHECK(mappings.at("date_detection").as_bool() == false);
      const auto& dynamic = mappings.at("dynamic_templates").as_array();
      REQUIRE(dynamic.size() == 1);
      CHECK(dynamic[0].at("strings_as_keyword").at("mapping").at("type").as_string()
            == "keyword");
    }
  }

  TEST_CASE("time fields are dates in the seed's format; counts are longs") {
    const std::string sql = "yyyy-MM-dd HH:mm:ss||strict_date_optional_time||epoch_millis";
    const std::string iso = "strict_date_optional_time||epoch_millis";
    std::map<std::string, boost::json::object> props;
    for (const auto& [name, body] : index_templates(index_names{}))
      props[name] = parse(body).at("mappings").at("properties").as_object();

    const auto& hourly = props["ubaflow-buy_cnt_per_hour"];
    CHECK(hourly.size() == 5);
    CHECK(type_of(hourly, "event_time") == "date");
    CHECK(format_of(hourly, "event_time") == sql);
    CHECK(type_of(hourly, "hour_of_day") == "long");
    CHECK(type_of(hourly, "buy_cnt") == "long");
    CHECK(type_of(hourly, "window_start") == "date");
    CHECK(format_of(hourly, "window_start") == iso);
    CHECK(format_of(hourly, "window_end") == iso);

    const auto& uv = props["ubaflow-cumulative_uv"];
    CHECK(uv.size() == 4);
    CHECK(type_of(uv, "time_str") == "date");
    CHECK(format_of(uv, "time_str") == sql);
    CHECK(type_of(uv, "uv") == "long");

    const auto& daily = props["ubaflow-cumulative_uv_daily"];
    CHECK(daily.size() == 5);
    CHECK(type_of(daily, "date_str") == "date");
    CHECK(format_of(daily, "date_str") == "yyyy-MM-dd||strict_date_optional_time||epoch_millis");
    CHECK(format_of(daily, "time_str") == sql);
    CHECK(type_of(daily, "uv") == "long");

    const auto& category = props["ubaflow-top_category"];
    CHECK(category.size() == 2);
    CHECK(type_of(category, "category_name") == "keyword");
    CHECK(type_of(category, "buy_cnt") == "long");
  }

  TEST_CASE("prefixed index names are used in names and patterns, escaped") {
    const auto templates = index_templates(index_names{"dev-\"q\"-"});
    REQUIRE(templates.size() == 4);
    CHECK(templates[0].first == "ubaflow-dev-\"q\"-buy_cnt_per_hour");
    auto t = parse(templates[0].second);
    CHECK(t.at("index_patterns").as_array()[0].as_string() == "dev-\"q\"-buy_cnt_per_hour");
  }

  TEST_CASE("a sink's Elasticsearch mappings follow its columns' types") {
    bound_table sink;
    auto column = [&](const char* name, data_type_kind kind) {
      bound_column c;
      c.name = name;
      c.type.kind = kind;
      sink.columns.push_back(c);
    };
    column("w", data_type_kind::timestamp);
    column("w_ltz", data_type_kind::timestamp_ltz);
    column("day", data_type_kind::date);
    column("n", data_type_kind::bigint);
    column("rate", data_type_kind::double_);
    column("name", data_type_kind::varchar);
    column("ok", data_type_kind::boolean);
    const auto properties
      = boost::json::parse("{" + es_properties(sink) + "}").as_object();
    REQUIRE(properties.size() == 7);
    CHECK(properties.at("w").at("type") == "date");
    CHECK(properties.at("w").at("format")
          == "yyyy-MM-dd HH:mm:ss||strict_date_optional_time||epoch_millis");
    CHECK(properties.at("w_ltz").at("format") == "strict_date_optional_time||epoch_millis");
    CHECK(properties.at("day").at("format")
          == "yyyy-MM-dd||strict_date_optional_time||epoch_millis");
    CHECK(properties.at("n").at("type") == "long");
    CHECK(properties.at("rate").at("type") == "double");
    CHECK(properties.at("name").at("type") == "keyword");
    CHECK(properties.at("ok").at("type") == "boolean");
  }
}
