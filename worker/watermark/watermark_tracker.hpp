#pragma once

#include "common/time/event_time.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ubaflow {

/// What a source tells the keyed state about event-time progress.
struct source_progress {
  event_time watermark = min_event_time;
  /// Every partition of the source has been idle for the idle timeout: the
  /// source must not hold back downstream watermarks.
  bool idle = false;
  /// Every partition has ended (bounded input): watermark is max_event_time.
  bool finished = false;
};

/// Per-partition bounded-out-of-orderness watermarks of one source task and
/// their minimum (Flink's per-partition watermarks for Kafka sources).
///
/// A partition's watermark is the largest event time it has produced minus
/// the delay, and never goes back. The source's watermark is the minimum
/// over partitions that are neither idle (no record for `idle_timeout`
/// milliseconds of processing time; 0 disables) nor finished.
///
/// Partitions are addressed by a dense slot number the caller chooses, so
/// the per-record path is an array access.
class watermark_tracker {
public:
  watermark_tracker(int64_t delay_ms, int64_t idle_timeout_ms);

  /// Adds (or resets) a partition slot; `restored` is the watermark to start
  /// from, e.g. one stored in a checkpoint.
  void assign(size_t slot, int64_t now_ms,
              event_time restored = min_event_time);

  size_t slot_count() const { return slots_.size(); }

  /// The watermark of a partition before the next record: records are late
  /// relative to it (see docs/semantics.md).
  event_time partition_watermark(size_t slot) const {
    return slots_[slot].watermark;
  }

  /// Accounts one accepted record's event time.
  void observe(size_t slot, event_time ts) {
    auto& s = slots_[slot];
    if (ts > s.max_ts) {
      s.max_ts = ts;
      if (ts - delay_ms_ > s.watermark)
        s.watermark = ts - delay_ms_;
    }
  }

  /// Marks a partition as active at processing time `now_ms` (call once per
  /// batch in which it delivered records).
  void touch(size_t slot, int64_t now_ms) {
    slots_[slot].last_active_ms = now_ms;
    slots_[slot].idle = false;
  }

  /// The partition reached the end of a bounded input.
  void finish(size_t slot);

  bool finished(size_t slot) const { return slots_[slot].finished; }
  bool idle(size_t slot) const { return slots_[slot].idle; }

  /// Re-evaluates idleness at `now_ms` and returns the source's progress.
  source_progress progress(int64_t now_ms);

  int64_t delay_ms() const { return delay_ms_; }

private:
  struct slot_state {
    event_time max_ts = min_event_time;
    event_time watermark = min_event_time;
    int64_t last_active_ms = 0;
    bool idle = false;
    bool finished = false;
    bool assigned = false;
  };

  int64_t delay_ms_;
  int64_t idle_timeout_ms_;
  std::vector<slot_state> slots_;
};

/// What a batch says of its source's progress: its watermark, idleness, and
/// the end of its input (then the maximum watermark).
template <class Batch>
source_progress progress_of(const Batch& batch) {
  source_progress progress;
  progress.watermark = batch.end_of_input ? max_event_time : batch.watermark;
  progress.idle = batch.idle;
  progress.finished = batch.end_of_input;
  return progress;
}

/// Minimum of the watermarks of several inputs (sources feeding one keyed
/// state), ignoring idle and finished inputs. Monotonic: the combined
/// watermark never decreases, even when an idle input comes back behind.
class watermark_combiner {
public:
  explicit watermark_combiner(size_t input_count = 0);

  void resize(size_t input_count);

  /// Records an input's progress; returns true if the combined watermark
  /// advanced.
  bool update(size_t input, const source_progress& progress);

  event_time current() const { return current_; }
  bool all_finished() const;
  size_t input_count() const { return inputs_.size(); }
  const source_progress& input(size_t i) const { return inputs_[i]; }

private:
  std::vector<source_progress> inputs_;
  event_time current_ = min_event_time;
};

} // namespace ubaflow
