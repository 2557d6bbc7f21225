#pragma once

// What a source task does between reading a record and the exchange,
// which depends on what the job computes: parse the record and fold it
// into the pre-aggregation; at a flush, hand each owner its partials. The
// built-in job's stage (worker/preagg/builtin_source_stage) or a job
// written in SQL (worker/preagg/sql_source_stage). The source task around
// it (source_task) reads, tracks watermarks, numbers and sends batches and
// takes checkpoints the same way for both.

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/partials.hpp"
#include "common/protocol/reject_reason.hpp"
#include "common/time/event_time.hpp"
#include "common/config/window_spec.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace ubaflow {

class category_resolver;
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
  /// Data still waits for something (the lookup join): the end of input
  /// must not be announced yet.
  virtual bool holding_back() const { return false; }

  /// What waits, for a checkpoint; and back from one.
  virtual std::vector<pending_category_buys> pending() const { return {}; }
  virtual void restore_pending(const std::vector<pending_category_buys>&) {}

  virtual const late_counts& late() const = 0;
  /// A job written in SQL: late records per query, labelled by the query's
  /// number in the plan (1, 2, ... as `ubaflow sql` shows it) and its
  /// sink table. Empty for the built-in job (late() has its results).
  struct query_late {
    std::string query;
    std::string sink;
    uint64_t records = 0;
  };
  virtual std::vector<query_late> late_by_query() const { return {}; }
  virtual const category_resolver* resolver() const { return nullptr; }
};

} // namespace ubaflow
