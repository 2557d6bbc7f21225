#pragma once

// The source stage of a job written in SQL (issue 13): each JSON record
// decoded into its source table's columns (sql_row_decoder), run through
// every query that reads the table and pre-aggregated (sql_source_state);
// at a flush, each owner's partials, encoded per query.

#include "common/sql/exec/sql_job.hpp"
#include "common/sql/exec/sql_row_evaluator.hpp"
#include "common/sql/exec/sql_source_state.hpp"
#include "worker/lookup/sql_dimension_refresher.hpp"
#include "worker/parse/sql_row_decoder.hpp"
#include "worker/source/source_stage.hpp"

#include <map>
#include <memory>
#include <vector>

namespace ubaflow {

class sql_source_stage : public source_stage {
public:
  /// `dimensions`: the lookup tables' rows (load_sql_dimensions).
  sql_source_stage(std::shared_ptr<const sql_job> job, const time_zone& zone,
                   timestamp_policy policy,
                   std::map<uint32_t, std::vector<sql_row>> dimensions,
                   uint32_t source_index, std::vector<key_group_range> owners,
                   uint32_t key_groups, size_t max_buffered_groups);

  void set_wall_clock(int64_t wall_ms) override;
  /// event-time.allowed-lateness for the job's windows.
  void set_allowed_lateness(int64_t ms) { state_.set_allowed_lateness(ms); }
  /// Reads the dimensions again every `period_ms` (lookup.cache-ttl), a
  /// failed read again after `retry_ms`, in the background; the rows are
  /// swapped in at a flush (sql_dimension_refresher). A failure is counted
  /// as a lookup failure and shown as the task's lookup error.
  void refresh_dimensions(sql_dimension_refresher::reader read,
                          int64_t period_ms, int64_t retry_ms,
                          int64_t retry_max_ms = 0);
  /// The dimensions read from a database could not be read when the task
  /// started (`why`): no record is read until they are, read again in the
  /// background (refresh_dimensions' reader) after lookup.retry-initial,
  /// growing to lookup.retry-max, for as long as it takes. The job keeps
  /// running and shows the wait.
  void await_dimensions(const std::string& why);
  bool ready(int64_t now_ms, source_stats& stats) override;
  /// A read of the dimensions is under way (or done, not yet swapped in).
  bool reading_dimensions() const {
    return refresher_ && refresher_->reading();
  }
  bool wants_record_origin() const override {
    return state_.has_direct_queries();
  }
  void set_record_origin(int32_t partition, int64_t offset) override {
    state_.set_record_origin(partition, offset);
  }
  bool is_csv_header(std::string_view line) override {
    return decoder_.is_csv_header(line);
  }
  parse_status add(std::string_view payload, bool csv,
                   event_time partition_watermark, event_time& ts) override;
  uint64_t accepted() const override { return accepted_; }
  /// Groups, the values of distinct counts and the rows of queries
  /// without aggregation, against preagg.max-buffered-users: a flush is
  /// due when they reach it.
  bool buffers_full() const override {
    return state_.buffered_groups() + state_.buffered_values()
             + state_.buffered_rows()
           >= max_buffered_groups_;
  }
  void drain(int64_t now_ms, std::vector<partial_batch>& out,
             source_stats& stats) override;
  uint64_t late_records() const override;
  std::vector<query_late> late_by_query() const override;

  /// Rows whose expressions failed (division by zero, a bad cast, …).
  uint64_t rejected_rows() const { return state_.rejected(); }

private:
  /// A finished read of the dimensions, if any: swapped in, or counted
  /// as a lookup failure.
  void take_dimensions(int64_t now_ms, source_stats& stats);

  std::shared_ptr<const sql_job> job_;
  std::map<uint32_t, std::vector<sql_row>> dimensions_;
  sql_row_evaluator evaluator_;
  sql_row_decoder decoder_;
  sql_source_state state_;
  size_t max_buffered_groups_;
  sql_row row_;
  int64_t wall_ms_ = 0;
  uint64_t accepted_ = 0;
  /// Late records, judged per partition as they come (late()).
  std::unique_ptr<sql_dimension_refresher> refresher_;
  bool waiting_ = false; ///< for the first read of the dimensions
  std::string waiting_for_; ///< why the first read failed, last
};

} // namespace ubaflow
