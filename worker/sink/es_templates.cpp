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
