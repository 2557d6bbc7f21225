#include "common/protocol/results.hpp"

namespace ubaflow {

const char* to_string(result_kind kind) {
  switch (kind) {
    case result_kind::buy_cnt_per_hour:
      return "buy_cnt_per_hour";
    case result_kind::cumulative_uv:
      return "cumulative_uv";
    case result_kind::cumulative_uv_daily:
      return "cumulative_uv_daily";
    case result_kind::top_category:
      return "top_category";
  }
  return "?";
}

std::vector<std::string> result_index_names() {
  std::vector<std::string> names;
  for (size_t k = 0; k < result_kind_count; ++k)
    names.emplace_back(to_string(static_cast<result_kind>(k)));
  return names;
}

std::optional<result_kind> result_kind_named(std::string_view index) {
  for (size_t k = 0; k < result_kind_count; ++k)
    if (index == to_string(static_cast<result_kind>(k)))
      return static_cast<result_kind>(k);
  return std::nullopt;
}

} // namespace ubaflow
