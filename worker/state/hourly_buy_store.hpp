#pragma once

#include "common/protocol/partials.hpp"
#include "common/protocol/results.hpp"
#include "common/protocol/snapshots.hpp"
#include "common/config/window_spec.hpp"
#include "worker/state/result_format.hpp"

#include <map>
#include <vector>

namespace ubaflow {

/// Keyed state of `buy_cnt_per_hour` on one owner: buys per 1-hour window,
/// fired once the watermark passes the window's end, kept for the allowed
/// lateness and re-emitted when late buys update it.
class hourly_buy_store {
public:
  explicit hourly_buy_store(const window_spec& spec) : spec_(spec) {}

  void merge(const hourly_partial& partial, event_time watermark);
  void advance(event_time watermark, const result_formatter& format,
               std::vector<result_row>& out);

  /// Buys that reached this owner after their window was purged.
  uint64_t late_buys() const { return late_buys_; }
  size_t open_windows() const { return windows_.size(); }

  /// Windows in key group `group` (of `key_groups`), for a checkpoint.
  void snapshot(key_group group, uint32_t key_groups,
                std::vector<hourly_window_snapshot>& out) const;
  /// Adds windows from a checkpoint (key groups are disjoint, so a window
  /// arrives once).
  void restore(const std::vector<hourly_window_snapshot>& windows);

private:
  struct entry {
    int64_t buys = 0;
    bool emitted = false;
    bool dirty = false;
  };

  window_spec spec_;
  std::map<event_time, entry> windows_;
  uint64_t late_buys_ = 0;
};

} // namespace ubaflow
