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

} // namespace ubaflow
