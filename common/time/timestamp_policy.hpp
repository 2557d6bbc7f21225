#pragma once

#include "common/time/event_time.hpp"
#include "common/time/time_zone.hpp"

#include <cstdint>

namespace ubaflow {

/// How `ts` values become event times.
struct timestamp_policy {
  time_zone zone = time_zone::utc();
  /// Read a trailing `Z` as the job zone's wall clock instead of UTC. The
  /// seed's datagen.py formats Beijing wall-clock time and appends a `Z`.
  bool z_as_local = false;
  /// Inclusive bounds of plausible event times (local millis); records
  /// outside are rejected as timestamp_out_of_range.
  event_time valid_from = min_event_time;
  event_time valid_until = max_event_time;
  /// Records more than this ahead of the wall clock are rejected as
  /// timestamp_in_future; 0: no such check.
  int64_t max_future_ms = 0;
};

} // namespace ubaflow
