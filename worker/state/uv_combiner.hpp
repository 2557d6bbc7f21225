#pragma once

#include "common/protocol/results.hpp"
#include "common/protocol/snapshots.hpp"
#include "common/config/window_spec.hpp"
#include "worker/state/combiner_logic.hpp"
#include "worker/state/result_format.hpp"

#include <map>
#include <vector>

namespace ubaflow {

/// Final aggregation of the UV results (parallelism 1): sums the slices of
/// all owners per window or step and emits the row once every owner's
/// progress has passed the window's end, i.e. once no slice can be missing.
/// A slice updated within the allowed lateness re-emits the row.
class uv_combiner : public combiner_logic {
public:
  uv_combiner(const window_spec& spec, std::vector<key_group_range> owners,
              result_formatter format);

  /// A SQL job's slices (of a query) do not fit.
  std::optional<std::string> check(const uv_report& report) const override;
  void on_report(const uv_report& report,
                 std::vector<result_row>& out) override;

  /// Minimum progress over all owners.
  event_time watermark() const override { return progress_.watermark(); }
  bool finished() const override { return progress_.finished(); }
  size_t pending_windows() const { return tumbling_.size() + daily_.size(); }
  /// Slices that arrived for windows already finalized (dropped).
  uint64_t late_slices() const { return late_slices_; }

  /// Pending windows and per-key-group progress, for a checkpoint.
  combiner_snapshot snapshot() const override;
  /// Replaces the state with a checkpoint's; false if it was taken with
  /// another number of key groups.
  bool restore(const combiner_snapshot& snapshot) override;

  /// Key groups of the job (the combiner tracks every one).
  uint32_t key_group_count() const override { return progress_.size(); }

private:
  struct pending {
    event_time start = 0;
    std::map<key_group, int64_t> users_by_group;
    bool emitted = false;
    int64_t emitted_total = 0;
  };

  void emit_ready(std::map<event_time, pending>& windows, bool daily,
                  event_time watermark, std::vector<result_row>& out);

  window_spec spec_;
  result_formatter format_;
  /// Progress per key group: any owner range may report (ranges change
  /// when the job is rescaled from a checkpoint).
  key_group_progress progress_;
  std::map<event_time, pending> tumbling_; ///< by window end
  std::map<event_time, pending> daily_;    ///< by step end
  uint64_t late_slices_ = 0;
};

} // namespace ubaflow
