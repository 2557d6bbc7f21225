#pragma once

// What a source task does between reading a record and the exchange,
// which depends on what the job computes: parse the record and fold it
// into the pre-aggregation; at a flush, hand each owner its partials
// (worker/preagg/sql_source_stage; the tests' stages too). The source
// task around it (source_task) reads, tracks watermarks, numbers and sends
// batches and takes checkpoints.

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/partials.hpp"
#include "common/protocol/reject_reason.hpp"
#include "common/time/event_time.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace ubaflow {

struct source_stats;

class source_stage {
public:
  virtual ~source_stage() = default;

  /// The wall clock of the batch being processed (event-time.max-future,
  /// PROCTIME()).
  virtual void set_wall_clock(int64_t wall_ms) = 0;

  /// Parses `payload` (CSV or JSON) and folds it in, with the partition's
  /// watermark before it; the record's event time in `ts` (min_event_time
  /// for none). The reason when it is rejected.
  virtual parse_status add(std::string_view payload, bool csv,
                           event_time partition_watermark, event_time& ts) = 0;

  /// Whether the stage needs to know where each record was read
  /// (set_record_origin before add): a SQL job with a query without
  /// aggregation, whose rows take their ids from it.
  virtual bool wants_record_origin() const { return false; }
  /// The next record's partition (the job's id) and offset.
  virtual void set_record_origin(int32_t /*partition*/, int64_t /*offset*/) {}
  /// Whether a CSV file's first line is its header rather than a record
  /// (skipped, not rejected).
  virtual bool is_csv_header(std::string_view line) = 0;

  /// Records folded in so far.
  virtual uint64_t accepted() const = 0;

  /// The buffers are as large as a flush should let them get.
  virtual bool buffers_full() const = 0;

  /// The partials since the last flush into `out` (one batch per owner,
  /// sized by the caller), counted in `stats`.
  virtual void drain(int64_t now_ms, std::vector<partial_batch>& out,
                     source_stats& stats) = 0;

  /// Whether records may be read now: false while the stage waits for
  /// what it needs to process any (a SQL job's dimensions, from a database
  /// that was down when the task started). The task reads nothing
  /// meanwhile, so nothing is held and nothing is lost; the wait is shown
  /// in `stats` (lookup_failing, lookup_error).
  virtual bool ready(int64_t /*now_ms*/, source_stats& /*stats*/) {
    return true;
  }
  /// Records late for a window of a query, summed over the queries.
  virtual uint64_t late_records() const = 0;
  /// Late records per query, labelled by the query's number in the plan
  /// (1, 2, ... as `ubaflow sql` shows it) and its sink table.
  struct query_late {
    std::string query;
    std::string sink;
    uint64_t records = 0;
  };
  virtual std::vector<query_late> late_by_query() const { return {}; }
};

} // namespace ubaflow
