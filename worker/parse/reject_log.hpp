#pragma once

#include "common/protocol/reject_reason.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ubaflow {

/// Counts rejected records by reason and logs a sample of them: the first
/// few of each reason, then at most one per reason per interval, each with
/// where the record came from and an escaped preview of its bytes.
class reject_log {
public:
  explicit reject_log(uint32_t first_logged = 1, int64_t interval_ms = 30'000);

  /// Counts one rejected record; `origin` names where it came from
  /// ("user_behavior[3]@1234").
  void record(const parse_status& why, std::string_view payload,
              const std::string& origin, int64_t now_ms);

  const reject_counts& counts() const { return counts_; }

private:
  uint32_t first_logged_;
  int64_t interval_ms_;
  reject_counts counts_;
  std::array<int64_t, reject_reason_count> last_logged_ms_{};
  std::array<uint64_t, reject_reason_count> suppressed_{};
};

} // namespace ubaflow
