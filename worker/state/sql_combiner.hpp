#pragma once

// The combiner of a job written in SQL (issue 13): for each query routed by
// distinct value (no group keys, every aggregate a COUNT(DISTINCT) of one
// column: sql_routing::distinct_value), each owner counts the values of its
// own key groups in every window and reports the counts per key group; the
// combiner adds them up and writes the query's row once every key group's
// progress has passed the window's end, so that no share can be missing.
// The shares are disjoint (a value has one key group), so the sum is the
// exact distinct count, and a window's users are spread over all owners.
// Counts are kept per key group, not per owner: a
// newer count of a group replaces the older, also after a rescale.
// Within the allowed lateness a changed share writes the row again.

#include "common/sql/exec/sql_job.hpp"
#include "common/sql/exec/sql_row_evaluator.hpp"
#include "worker/state/combiner_logic.hpp"

#include <map>
#include <memory>
#include <tuple>
#include <vector>

namespace ubaflow {

class sql_combiner : public combiner_logic {
public:
  sql_combiner(std::shared_ptr<const sql_job> job, const time_zone& zone,
               uint32_t key_groups, int64_t allowed_lateness_ms);

  /// Slices of queries not routed by distinct value, of aggregates they do
  /// not have, of empty windows, negative counts or key groups outside the
  /// reporting range do not fit.
  std::optional<std::string> check(const uv_report& report) const override;
  void on_report(const uv_report& report,
                 std::vector<result_row>& out) override;

  event_time watermark() const override { return progress_.watermark(); }
  bool finished() const override { return progress_.finished(); }

  combiner_snapshot snapshot() const override;
  bool restore(const combiner_snapshot& snapshot) override;

  uint32_t key_group_count() const override { return progress_.size(); }

  size_t pending_windows() const { return windows_.size(); }
  /// Slices for windows already final and gone (dropped).
  uint64_t late_slices() const { return late_slices_; }
  /// Rows whose outputs failed to evaluate (counted, not written).
  uint64_t rejected() const { return rejected_; }

private:
  /// Ordered by end first: windows become final in that order.
  struct window_id {
    int64_t end = 0;
    uint32_t query = 0;
    int64_t start = 0;
    friend bool operator<(const window_id& a, const window_id& b) {
      return std::tie(a.end, a.query, a.start)
             < std::tie(b.end, b.query, b.start);
    }
  };
  struct pending {
    /// Per aggregate of the query: the count of each key group.
    std::vector<std::map<key_group, int64_t>> counts;
    bool emitted = false;
    std::vector<int64_t> emitted_totals; ///< per aggregate, when emitted
  };

  pending& window(const window_id& id);
  /// The allowed lateness of `query`'s windows (none for CUMULATE steps).
  int64_t keep_ms(uint32_t query) const { return lateness_ms_.at(query); }
  bool fits(uint32_t query, uint32_t aggregate) const;
  void emit_ready(event_time watermark, std::vector<result_row>& out);

  std::shared_ptr<const sql_job> job_;
  sql_row_evaluator evaluator_;
  key_group_progress progress_;
  std::vector<int64_t> lateness_ms_; ///< per query
  std::map<window_id, pending> windows_;
  uint64_t late_slices_ = 0;
  uint64_t rejected_ = 0;
};

} // namespace ubaflow
