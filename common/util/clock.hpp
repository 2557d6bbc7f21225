#pragma once

#include <chrono>
#include <cstdint>

namespace ubaflow {

/// Processing time for timeouts and intervals (monotonic).
inline int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

/// Wall-clock epoch millis, for display only.
inline int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace ubaflow
