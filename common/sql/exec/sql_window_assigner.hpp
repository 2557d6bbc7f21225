#pragma once

// Which windows of a query a row belongs to (issue 13), for TUMBLE, HOP
// and CUMULATE, the same in the streaming engine and the batch oracle.
//
// Alignment, as Flink (no window offsets: the binder refuses them) and as
// today's hard-wired engine (worker/preagg, align_down on local millis):
//   - on a TIMESTAMP time column (the seed's `ts TIMESTAMP(3)`, event time
//     in local millis) windows align to multiples of their size on the
//     zone-less clock: a 1-hour window starts on the hour and a 1-day
//     window at 00:00 of the value's own calendar, i.e. the job zone's
//     midnight for event time read in that zone;
//   - on a TIMESTAMP_LTZ time column (PROCTIME(), or an LTZ rowtime) the
//     instant is turned into the job zone's wall clock, aligned there and
//     turned back, so days start at the zone's midnight (Flink 1.13+ does
//     the same with the session time zone). Window bounds stay instants.
// A window is [start, end): an event exactly at `end` belongs to the next
// window.

#include "common/sql/sql_bound.hpp"
#include "common/time/time_zone.hpp"

#include <cstdint>
#include <vector>

namespace ubaflow {

/// One window, [start, end), in its time column's representation: local
/// millis for TIMESTAMP, epoch millis for TIMESTAMP_LTZ.
struct sql_window {
  int64_t start = 0;
  int64_t end = 0;

  /// window_time and the watermark the window fires at: end - 1 ms.
  int64_t max_timestamp() const { return end - 1; }

  friend bool operator==(const sql_window& a, const sql_window& b) {
    return a.start == b.start && a.end == b.end;
  }
  friend bool operator!=(const sql_window& a, const sql_window& b) { return !(a == b); }
  friend bool operator<(const sql_window& a, const sql_window& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  }
};

class sql_window_assigner {
public:
  /// For the query's window. The zone is used only for a TIMESTAMP_LTZ
  /// time column. Like time_zone, not to be shared between threads.
  sql_window_assigner(const bound_window& window, time_zone zone);

  window_kind kind() const { return kind_; }
  int64_t size_ms() const { return size_ms_; }
  int64_t step_ms() const { return step_ms_; }
  /// Whether bounds are instants (a TIMESTAMP_LTZ time column).
  bool instants() const { return instants_; }

  /// Appends the windows that contain `time` to `out`, by ascending start
  /// and then end: TUMBLE one, HOP size/slide, CUMULATE those of the
  /// size-aligned period whose end is after `time` (size/step at the
  /// period's start, one at its last step).
  void assign(int64_t time, std::vector<sql_window>& out) const;

  std::vector<sql_window> windows_of(int64_t time) const {
    std::vector<sql_window> out;
    assign(time, out);
    return out;
  }

  /// The first window containing `time`, by end: for CUMULATE the slice
  /// of `time` within its period, [period start, end of time's step).
  sql_window first_window(int64_t time) const;

  /// The start of the size-aligned period containing `time` (TUMBLE: the
  /// window; CUMULATE: the day of a 1-day maximum; HOP: the latest window).
  int64_t period_start(int64_t time) const;

private:
  /// The last aligned bucket computed for one size: rows come in event
  /// time order, mostly, so most find theirs here without a division.
  struct aligned_bucket {
    int64_t start = 0;
    int64_t end = 0; ///< empty until the first row
  };
  int64_t align(int64_t time, int64_t size) const;
  /// align(), remembered in `bucket` (for sizes size_ms_ or step_ms_).
  int64_t align(int64_t time, int64_t size, aligned_bucket& bucket) const {
    if (time >= bucket.start && time < bucket.end)
      return bucket.start;
    bucket.start = align(time, size);
    bucket.end = bucket.start + size;
    return bucket.start;
  }

  window_kind kind_;
  int64_t size_ms_;
  int64_t step_ms_;
  bool instants_;
  time_zone zone_;
  // Caches of const lookups (an assigner is not shared between threads).
  mutable aligned_bucket by_size_;
  mutable aligned_bucket by_step_;
};

} // namespace ubaflow
