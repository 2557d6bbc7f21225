#include "worker/parse/reject_log.hpp"

#include "common/util/json_text.hpp"

#include <spdlog/spdlog.h>

namespace ubaflow {

reject_log::reject_log(uint32_t first_logged, int64_t interval_ms)
  : first_logged_(first_logged), interval_ms_(interval_ms) {
  // nop
}

void reject_log::record(const parse_status& why, std::string_view payload,
                        const std::string& origin, int64_t now_ms) {
  const auto index = static_cast<size_t>(why.reason);
  counts_.add(why.reason);
  const uint64_t seen = counts_.by_reason[index];
  if (seen > first_logged_ && now_ms - last_logged_ms_[index] < interval_ms_) {
    ++suppressed_[index];
    return;
  }
  last_logged_ms_[index] = now_ms;
  std::string note;
  if (suppressed_[index] > 0) {
    note = " (" + std::to_string(suppressed_[index])
           + " more of this kind not logged)";
    suppressed_[index] = 0;
  }
  spdlog::warn("rejected record ({}: {}) at {}: {}{}", to_string(why.reason),
               why.detail, origin, preview_bytes(payload), note);
}

} // namespace ubaflow
