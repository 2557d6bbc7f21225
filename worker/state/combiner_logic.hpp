#pragma once

// What the combiner actor (worker/state/state_actor) drives: the final,
// parallelism-1 stage that adds up the owners' per-key-group counts of
// distinct values (the queries routed by distinct value, sql_combiner). The actor aligns barriers and
// sends rows; what is added and how rows look is behind this interface.

#include "common/protocol/results.hpp"
#include "common/protocol/snapshots.hpp"
#include "common/time/event_time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

class combiner_logic {
public:
  virtual ~combiner_logic() = default;

  /// Why `report` (checked by check_report) does not fit this job, or
  /// nothing: a report that does not fit is refused whole.
  virtual std::optional<std::string> check(const uv_report&) const {
    return std::nullopt;
  }
  /// Takes an owner's slices and progress; rows now final go to `out`.
  virtual void on_report(const uv_report& report,
                         std::vector<result_row>& out) = 0;

  /// Minimum progress over all key groups.
  virtual event_time watermark() const = 0;
  virtual bool finished() const = 0;

  /// Pending windows and per-key-group progress, for a checkpoint.
  virtual combiner_snapshot snapshot() const = 0;
  /// Replaces the state with a checkpoint's; false if it does not fit
  /// (another number of key groups, or windows of unknown queries).
  virtual bool restore(const combiner_snapshot& snapshot) = 0;

  /// Key groups of the job (the combiner tracks every one).
  virtual uint32_t key_group_count() const = 0;
};

/// Progress per key group, as owners report it: the combined watermark of
/// the owner that holds the group, and whether its inputs have ended.
class key_group_progress {
public:
  explicit key_group_progress(uint32_t key_groups)
    : progress_(key_groups, min_event_time), final_(key_groups, false) {
    // nop
  }

  /// An owner of `range` reports `watermark` (and `final`).
  void update(key_group_range range, event_time watermark, bool final);
  /// Minimum over all groups, a group that ended counting as the end.
  event_time watermark() const;
  bool finished() const;
  uint32_t size() const { return static_cast<uint32_t>(progress_.size()); }

  void save(combiner_snapshot& s) const;
  /// False when `s` was taken with another number of key groups.
  bool load(const combiner_snapshot& s);

private:
  std::vector<event_time> progress_;
  std::vector<bool> final_;
};

} // namespace ubaflow
