#pragma once

// A SQL job's source task, as logic (issue 13): the rows of one source
// table go through every query that reads it (sql_query_rows), are
// pre-aggregated (sql_group_aggregator), and at a flush leave as one batch
// per owner: each query's partials of that owner's key groups, encoded
// (sql_partial_codec), with the source's watermark (the highest event time
// seen, less the table's WATERMARK delay). Rows of queries without an
// aggregation go straight to their sinks.

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/exec/sql_query_rows.hpp"
#include "common/sql/exec/sql_sink_rows.hpp"
#include "common/util/key_groups.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

/// What one source sends one owner at a flush.
struct sql_partial_batch {
  uint32_t source = 0;
  /// The source's watermark: no later row of this source is older.
  int64_t watermark = INT64_MIN;
  /// By query (sql_plan::queries): its encoded partials for the owner's
  /// key groups; empty when the query has none or reads another table.
  std::vector<std::string> partials;
};

/// `row`, in the order of `query`'s outputs, placed in its sink's columns.
sql_row in_sink_columns(const bound_script& script,
                        const sql_query_plan& query, sql_row row);

class sql_source_state {
public:
  /// Reads `table` (bound_script::tables) for the plan's queries over it,
  /// for owners holding `owners` (ranges of `key_groups`), in order.
  /// `dimensions` (the lookup tables' rows) and `evaluator` must outlive it.
  sql_source_state(const bound_script& script, const sql_plan& plan,
                   uint32_t table, uint32_t source_index,
                   const std::map<uint32_t, std::vector<sql_row>>& dimensions,
                   const sql_row_evaluator& evaluator,
                   std::vector<key_group_range> owners, uint32_t key_groups);

  /// One record's physical columns; `watermark`: its partition's before it
  /// (windows it has passed do not take the record: late). Its event time,
  /// if it has one (event_time_of).
  std::optional<int64_t> add(const sql_row& physical,
                             int64_t processing_time_ms,
                             int64_t watermark = INT64_MIN);
  /// The same for a record decoded into every column of the table
  /// (sql_row_layout::table): its computed columns are filled in place, so
  /// nothing is copied.
  std::optional<int64_t> add_table_row(sql_row& row, int64_t processing_time_ms,
                                       int64_t watermark = INT64_MIN);
  /// event-time.allowed-lateness: rows up to this far behind a window's
  /// end still count for it (sql_group_aggregator::set_allowed_lateness).
  /// A leader then keeps rows late within the lateness too, which its
  /// followers add themselves: queries no longer share their rows.
  void set_allowed_lateness(int64_t ms) {
    for (auto& run : queries_) {
      run.aggregator->set_allowed_lateness(ms);
      if (ms > 0) {
        run.leader.reset();
        run.leads = false;
      }
    }
  }
  /// Queries taking another's rows (sql_shared_ingestion.hpp).
  size_t queries_sharing_rows() const {
    return static_cast<size_t>(std::count_if(
      queries_.begin(), queries_.end(),
      [](const query_run& run) { return run.leader.has_value(); }));
  }

  /// The dimensions' rows (the map given at construction) were replaced:
  /// lookups use the new ones from the next record on.
  void dimensions_changed() {
    for (auto& run : queries_)
      run.rows->forget_dimension_indexes();
  }

  /// Where the next record was read (its partition and offset): the ids
  /// of the rows queries without aggregation make of it (direct_row_id).
  void set_record_origin(int32_t partition, int64_t offset) {
    origin_partition_ = partition;
    origin_offset_ = offset;
    std::fill(origin_rows_.begin(), origin_rows_.end(), 0);
  }
  /// Rows of queries without aggregation waiting for the next flush.
  size_t buffered_rows() const { return direct_.size(); }
  /// Whether a query over the table has no aggregation (its rows need
  /// set_record_origin).
  bool has_direct_queries() const { return has_direct_queries_; }

  /// The batches for the owners (one each, in order) since the last flush:
  /// per query, its partials of that owner's key groups, or the rows of a
  /// query without aggregation routed there (sql_sink_rows).
  std::vector<sql_partial_batch> flush();

  int64_t watermark() const;
  uint64_t rejected() const { return rejected_; }
  /// Records late for at least one window of a query (per query).
  uint64_t late_rows() const;
  /// The same by query: (index into sql_plan::queries, records), for each
  /// query over this source.
  std::vector<std::pair<uint32_t, uint64_t>> late_rows_by_query() const;

  /// The record's event time (its WATERMARK column), if it has one.
  std::optional<int64_t> event_time_of(const sql_row& physical) const;
  /// The delay of the table's WATERMARK (0 without one).
  int64_t watermark_delay_ms() const { return delay_ms_; }
  /// Groups pre-aggregated since the last flush, over all queries.
  size_t buffered_groups() const;
  /// Values collected for distinct counts since the last flush, over all
  /// queries (sql_group_aggregator::buffered_values).
  uint64_t buffered_values() const;

private:
  struct query_run {
    uint32_t index = 0;
    std::unique_ptr<sql_group_aggregator> aggregator;
    std::unique_ptr<sql_query_rows> rows;
    /// The earlier query whose on-time rows this one takes at the flush
    /// instead of adding them (sql_shared_ingestion.hpp), by position in
    /// queries_; whether some later query does so from this one.
    std::optional<size_t> leader;
    bool leads = false;
  };

  const bound_script& script_;
  const sql_plan& plan_;
  const sql_row_evaluator& evaluator_;
  uint32_t table_;
  uint32_t source_index_;
  std::vector<key_group_range> owners_;
  uint32_t key_groups_;
  std::vector<query_run> queries_;
  /// The table's WATERMARK column, among all columns and among the
  /// physical ones the records carry.
  std::optional<uint32_t> time_column_;
  std::optional<uint32_t> physical_time_column_;
  int64_t delay_ms_ = 0;
  int64_t max_time_ = INT64_MIN;
  int64_t record_watermark_ = INT64_MIN; ///< of the record being added
  std::vector<sql_sink_row> direct_; ///< rows of queries without aggregation
  bool has_direct_queries_ = false;
  int32_t origin_partition_ = 0;
  int64_t origin_offset_ = 0;
  /// Per query, the rows made of the record so far (an id's `-n`).
  std::vector<uint32_t> origin_rows_;
  uint64_t rejected_ = 0;
  std::function<void(const std::string&)> reject_; ///< counts a rejection
  sql_row complete_; ///< the record with its computed columns, reused
  std::vector<uint32_t> computed_; ///< the table's computed columns
  std::vector<uint32_t> physical_at_; ///< each physical column's place in it
};

} // namespace ubaflow
