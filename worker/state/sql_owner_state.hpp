#pragma once

// The owner logic of a job: sql_keyed_state for the owner's key groups,
// the combined watermark of its inputs (idle and finished sources aside),
// and the rows it
// fires as documents for the sinks (sql_document, ids by primary key).

#include "common/sql/exec/sql_job.hpp"
#include "common/sql/exec/sql_keyed_state.hpp"
#include "common/sql/exec/sql_row_evaluator.hpp"
#include "worker/state/owner_logic.hpp"
#include "worker/watermark/watermark_tracker.hpp"

#include <memory>
#include <vector>

namespace ubaflow {

class sql_owner_state : public owner_logic {
public:
  sql_owner_state(std::shared_ptr<const sql_job> job, const time_zone& zone,
                  key_group_range range, uint32_t key_groups,
                  size_t input_count);

  /// event-time.allowed-lateness for the job's windows.
  void set_allowed_lateness(int64_t ms) { state_.set_allowed_lateness(ms); }

  bool merge(const partial_batch& batch, state_output& out,
             std::string& error) override;
  void emit_updates(state_output& out) override;
  key_group_snapshot snapshot(key_group group,
                              uint32_t key_group_count) const override;
  std::vector<key_group_snapshot>
  snapshot_groups(uint32_t key_group_count) const override;
  bool restore(const key_group_snapshot& snapshot) override;
  void restore_watermark(event_time floor) override;

  event_time watermark() const override;
  bool finished() const override { return watermarks_.all_finished(); }
  key_group_range range() const override { return range_; }
  size_t input_count() const override { return watermarks_.input_count(); }
  size_t sql_queries() const override { return job_->plan.queries.size(); }
  uint64_t late_records() const override { return state_.late_partials(); }
  uint64_t batches() const override { return batches_; }
  /// The state's size in its checkpoint form, as of the last checkpoint
  /// or savepoint (0 before the first): what a restore reads, what moves
  /// with a key group when the job is rescaled.
  uint64_t state_bytes() const override;
  std::vector<uint64_t> state_bytes_by_group() const override {
    return checkpointed_bytes_;
  }
  /// Groups (a window and its key, or a running query's key) held.
  uint64_t open_windows() const override { return state_.open_groups(); }

  /// Rows that failed to evaluate (counted, as a source counts records).
  uint64_t rejected() const { return state_.rejected(); }

private:
  /// The rows as documents for the sinks, and the shares fired with them
  /// (queries routed by distinct value) as slices for the combiner.
  void write(std::vector<sql_sink_row> rows, state_output& out);
  std::vector<uv_slice> slices_of(const std::vector<sql_share>& shares) const;

  std::shared_ptr<const sql_job> job_;
  sql_row_evaluator evaluator_;
  key_group_range range_;
  sql_keyed_state state_;
  watermark_combiner watermarks_;
  event_time floor_ = min_event_time;
  uint64_t batches_ = 0;
  bool finished_emitted_ = false;
  std::vector<sql_sink_row> restored_rows_; ///< see restore_watermark
  /// Per key group of range_ (by offset): its bytes in the last snapshot.
  mutable std::vector<uint64_t> checkpointed_bytes_;
};

} // namespace ubaflow
