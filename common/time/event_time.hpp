#pragma once

#include <cstdint>
#include <limits>

namespace ubaflow {

/// Event time in milliseconds of wall-clock time in the job's time zone,
/// counted as if that wall clock were UTC ("local millis", Flink's TIMESTAMP).
/// Windows, watermarks and lateness all live in this space, so a string such
/// as "2017-11-26 10:00:00" needs no zone lookup at all and window boundaries
/// fall on the job zone's hours and days. Only instants that carry a zone
/// (epoch numbers, `Z`, `+08:00`) are converted on the way in.
using event_time = int64_t;

constexpr event_time min_event_time = std::numeric_limits<int64_t>::min();
constexpr event_time max_event_time = std::numeric_limits<int64_t>::max();

constexpr int64_t ms_per_second = 1000;
constexpr int64_t ms_per_minute = 60 * ms_per_second;
constexpr int64_t ms_per_hour = 60 * ms_per_minute;
constexpr int64_t ms_per_day = 24 * ms_per_hour;

/// Rounds towards negative infinity, unlike `/`.
constexpr int64_t floor_div(int64_t value, int64_t divisor) {
  int64_t quotient = value / divisor;
  return (value % divisor != 0 && ((value < 0) != (divisor < 0))) ? quotient - 1
                                                                   : quotient;
}

/// Start of the size-aligned bucket that contains `t`.
constexpr event_time align_down(event_time t, int64_t size) {
  return floor_div(t, size) * size;
}

} // namespace ubaflow
