#include "worker/sink/es_templates.hpp"

#include "common/util/json_text.hpp"

namespace ubaflow {

namespace {

constexpr const char* sql_date =
  R"({"type":"date","format":"yyyy-MM-dd HH:mm:ss||strict_date_optional_time||epoch_millis"})";
constexpr const char* day_date =
  R"({"type":"date","format":"yyyy-MM-dd||strict_date_optional_time||epoch_millis"})";
constexpr const char* iso_date =
  R"({"type":"date","format":"strict_date_optional_time||epoch_millis"})";
constexpr const char* long_field = R"({"type":"long"})";
constexpr const char* double_field = R"({"type":"double"})";
constexpr const char* boolean_field = R"({"type":"boolean"})";
constexpr const char* keyword_field = R"({"type":"keyword","ignore_above":1024})";

std::string properties(result_kind kind) {
  switch (kind) {
    case result_kind::buy_cnt_per_hour:
      return std::string{"\"hour_of_day\":"} + long_field + ",\"buy_cnt\":"
             + long_field + ",\"event_time\":" + sql_date
             + ",\"window_start\":" + iso_date + ",\"window_end\":" + iso_date;
    case result_kind::cumulative_uv:
      return std::string{"\"time_str\":"} + sql_date + ",\"uv\":" + long_field
             + ",\"window_start\":" + iso_date + ",\"window_end\":" + iso_date;
    case result_kind::cumulative_uv_daily:
      return std::string{"\"date_str\":"} + day_date + ",\"time_str\":"
             + sql_date + ",\"uv\":" + long_field + ",\"window_start\":"
             + iso_date + ",\"window_end\":" + iso_date;
    case result_kind::top_category:
      return std::string{"\"category_name\":"} + keyword_field
             + ",\"buy_cnt\":" + long_field;
  }
  return {};
}

} // namespace

std::string es_properties(const bound_table& sink) {
  std::string out;
  for (const auto& column : sink.columns) {
    const char* mapping = nullptr;
    switch (column.type.kind) {
      case data_type_kind::tinyint:
      case data_type_kind::smallint:
      case data_type_kind::integer:
      case data_type_kind::bigint:
      case data_type_kind::interval: mapping = long_field; break;
      case data_type_kind::decimal:
      case data_type_kind::float_:
      case data_type_kind::double_: mapping = double_field; break;
      case data_type_kind::boolean: mapping = boolean_field; break;
      case data_type_kind::char_:
      case data_type_kind::varchar: mapping = keyword_field; break;
      // The forms sql_document writes: zone-less, ISO with offset, a day.
      case data_type_kind::timestamp: mapping = sql_date; break;
      case data_type_kind::timestamp_ltz: mapping = iso_date; break;
      case data_type_kind::date: mapping = day_date; break;
      case data_type_kind::null: break;
    }
    if (!mapping)
      continue;
    if (!out.empty())
      out += ',';
    append_json_string(out, column.name);
    out += ':';
    out += mapping;
  }
  return out;
}

std::vector<es_index_mapping> builtin_index_mappings() {
  std::vector<es_index_mapping> out;
  for (size_t i = 0; i < result_kind_count; ++i) {
    const auto kind = static_cast<result_kind>(i);
    out.push_back({to_string(kind), properties(kind)});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>>
index_templates(const index_names& names, int64_t refresh_interval_ms) {
  return index_templates(names, builtin_index_mappings(), refresh_interval_ms);
}

std::vector<std::pair<std::string, std::string>>
index_templates(const index_names& names,
                const std::vector<es_index_mapping>& mappings,
                int64_t refresh_interval_ms) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& mapping : mappings) {
    const std::string index = names.of(mapping.index);
    std::string body = "{\"index_patterns\":[";
    append_json_string(body, index);
    body += "],\"order\":10,\"version\":1,"
            "\"settings\":{\"number_of_shards\":1,\"refresh_interval\":\""
            + std::to_string(refresh_interval_ms) + "ms\"},"
            "\"mappings\":{\"date_detection\":false,"
            "\"dynamic_templates\":[{\"strings_as_keyword\":{"
            "\"match_mapping_type\":\"string\","
            "\"mapping\":{\"type\":\"keyword\",\"ignore_above\":1024}}}],"
            "\"properties\":{"
            + mapping.properties + "}}}";
    out.emplace_back("ubaflow-" + index, std::move(body));
  }
  return out;
}

} // namespace ubaflow
