#pragma once

#include "common/protocol/partials.hpp"
#include "common/protocol/results.hpp"
#include "common/config/window_spec.hpp"
#include "worker/state/category_store.hpp"
#include "worker/state/hourly_buy_store.hpp"
#include "worker/state/owner_logic.hpp"
#include "worker/state/result_format.hpp"
#include "worker/state/uv_store.hpp"
#include "worker/watermark/watermark_tracker.hpp"

#include <algorithm>
#include <vector>

namespace ubaflow {

/// Keyed state of one owner (a window/aggregate subtask) of the built-in
/// job: all results' state for its range of key groups, the combined
/// watermark of its inputs, and window firing. Plain logic; the state
/// actor only feeds it messages.
class keyed_state : public owner_logic {
public:
  keyed_state(const window_spec& spec, key_group_range range,
              size_t input_count, result_formatter format);

  /// Merges one batch from input `batch.source`, then fires whatever the
  /// combined watermark allows.
  void on_batch(const partial_batch& batch, state_output& out);

  /// Emits the categories changed since the last call (mini-batch upserts).
  void emit_categories(state_output& out);

  /// The state of key group `group` (in this owner's range) of
  /// `key_group_count`, for a checkpoint taken at an aligned barrier.
  key_group_snapshot snapshot(key_group group,
                              uint32_t key_group_count) const override;

  /// Adds a key group's state from a checkpoint, before any batch arrives;
  /// groups outside this owner's range are refused (false), as are
  /// malformed bitmaps. Input watermarks are not part of the state: the
  /// restored sources report theirs with their first batches.
  bool restore(const key_group_snapshot& snapshot) override;

  /// The combined watermark the owners of this range had reached at the
  /// checkpoint: a floor for this owner's, so that what was behind it then
  /// is judged late now too, and windows it fired stay fired.
  void restore_watermark(event_time floor) override { floor_ = floor; }

  // -- owner_logic
  bool merge(const partial_batch& batch, state_output& out,
             std::string&) override {
    on_batch(batch, out);
    return true;
  }
  void emit_updates(state_output& out) override { emit_categories(out); }
  size_t input_count() const override { return watermarks_.input_count(); }
  uint64_t state_bytes() const override { return uv_.state_bytes(); }
  uint64_t open_windows() const override {
    return hourly_.open_windows() + uv_.open_windows();
  }
  std::vector<uint64_t> state_bytes_by_group() const override {
    return uv_.state_bytes_by_group(range_);
  }

  event_time watermark() const override {
    return std::max(watermarks_.current(), floor_);
  }
  bool finished() const override { return watermarks_.all_finished(); }
  key_group_range range() const override { return range_; }
  const watermark_combiner& inputs() const { return watermarks_; }

  uint64_t late_records() const override {
    return hourly_.late_buys() + uv_.late_users();
  }
  uint64_t batches() const override { return batches_; }
  const hourly_buy_store& hourly() const { return hourly_; }
  const uv_store& uv() const { return uv_; }
  const category_store& categories() const { return categories_; }

private:
  void fire(state_output& out);

  window_spec spec_;
  key_group_range range_;
  result_formatter format_;
  watermark_combiner watermarks_;
  hourly_buy_store hourly_;
  uv_store uv_;
  category_store categories_;
  event_time floor_ = min_event_time;
  uint64_t batches_ = 0;
};

} // namespace ubaflow
