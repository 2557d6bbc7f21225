#pragma once

#include "common/time/event_time.hpp"

#include <array>
#include <cstdint>

#include "common/protocol/results.hpp"

namespace ubaflow {

/// The job's windows and which results it computes: immutable once the job
/// starts (the mutable state lives in pre_aggregator and keyed_state).
struct window_spec {
  int64_t hour_ms = ms_per_hour;        ///< TUMBLE for buy_cnt_per_hour
  int64_t uv_ms = 10 * ms_per_minute;   ///< TUMBLE for cumulative_uv; CUMULATE step
  int64_t day_ms = ms_per_day;          ///< CUMULATE size for cumulative_uv_daily
  /// Extra time after a tumbling window's end during which late records
  /// still update it (the row is re-emitted under the same id). Applies to
  /// buy_cnt_per_hour and cumulative_uv; day-to-date UV has CUMULATE
  /// semantics instead.
  int64_t allowed_lateness_ms = 0;
  std::array<bool, result_kind_count> enabled{true, true, true, true};

  bool computes(result_kind kind) const {
    return enabled[static_cast<size_t>(kind)];
  }
  bool computes_uv() const {
    return computes(result_kind::cumulative_uv)
           || computes(result_kind::cumulative_uv_daily);
  }
};

/// Counts of records that arrived too late for a result, by result.
struct late_counts {
  uint64_t hourly = 0;
  uint64_t uv = 0;
  uint64_t daily = 0;
  /// A job written in SQL: records late for a window of one of its queries
  /// (counted once per query).
  uint64_t sql = 0;

  late_counts& operator+=(const late_counts& other) {
    hourly += other.hourly;
    uv += other.uv;
    daily += other.daily;
    sql += other.sql;
    return *this;
  }
};

} // namespace ubaflow
