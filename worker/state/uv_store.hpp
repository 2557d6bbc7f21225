#pragma once

#include "common/protocol/partials.hpp"
#include "common/protocol/results.hpp"
#include "common/protocol/snapshots.hpp"
#include "common/config/window_spec.hpp"
#include "worker/state/user_bitmap.hpp"

#include <map>
#include <vector>

namespace ubaflow {

/// Keyed state of the two exact-UV results on one owner, for the user-id
/// key groups it owns:
///  - cumulative_uv: distinct users per 10-minute tumbling window;
///  - cumulative_uv_daily: distinct users of the day so far at every
///    10-minute step (Flink's CUMULATE window).
/// Both share the per-step user sets. The owner emits one *slice* per
/// window or step: the count over its own key groups; since every user
/// belongs to exactly one key group, the global UV is the sum of slices.
class uv_store {
public:
  uv_store(const window_spec& spec, key_group_range range);

  void merge(const uv_partial& partial, event_time watermark);

  /// Emits slices for tumbling windows and daily steps the watermark has
  /// passed, then drops state no longer needed.
  void advance(event_time watermark, std::vector<uv_slice>& out);

  /// Users that reached this owner after their window or day had closed.
  uint64_t late_users() const { return late_users_; }
  size_t open_windows() const { return windows_.size(); }
  size_t open_days() const { return days_.size(); }
  /// Approximate bytes held in bitmaps (for the state-size metric).
  size_t state_bytes() const;
  /// The same per key group, indexed from `range.first`.
  std::vector<uint64_t> state_bytes_by_group(key_group_range range) const;

  /// The steps and days of key group `group`, for a checkpoint.
  void snapshot(key_group group, std::vector<uv_cell_snapshot>& cells,
                std::vector<uv_day_snapshot>& days) const;
  /// Adds one key group's steps and days from a checkpoint. Returns false
  /// for a malformed day bitmap.
  bool restore(key_group group, const std::vector<uv_cell_snapshot>& cells,
               const std::vector<uv_day_snapshot>& days);

private:
  /// Users of one step in one key group. Ids arrive as sorted runs, one per
  /// partial, and are appended; they are sorted and deduplicated once, when
  /// the step fires (cheaper than inserting run by run into a bitmap).
  struct cell {
    std::vector<uint64_t> both;          ///< tumbling window and daily step
    std::vector<uint64_t> tumbling_only; ///< late within allowed lateness
    std::vector<uint64_t> daily_only;    ///< moved to this daily step
    bool daily_merged = false;           ///< both is in the day's seen set
  };
  struct window_state {
    std::map<key_group, cell> cells;
    bool has_tumbling = false;
    bool tumbling_emitted = false;
    bool tumbling_dirty = false;
  };
  struct day_state {
    event_time next_step = 0; ///< start of the first step not yet emitted
    bool emitted_any = false;
    std::map<key_group, user_bitmap> seen;
    uint64_t seen_total = 0;
  };

  void fire_tumbling(event_time watermark, std::vector<uv_slice>& out);
  void fire_daily(event_time watermark, std::vector<uv_slice>& out);
  void purge(event_time watermark);

  window_spec spec_;
  key_group_range range_;
  std::map<event_time, window_state> windows_; ///< by step start
  std::map<event_time, day_state> days_;       ///< by day start
  uint64_t late_users_ = 0;
};

} // namespace ubaflow
