#pragma once

// Runs a planned SQL job over bounded input in one pass, in memory (issue
// 13): the batch oracle's engine. Every query of the plan reads its source
// table's rows, runs its row stages (views inlined, lookup joins against
// the dimension tables' rows), aggregates per window and group keys with
// the same accumulators and window assigner as the streaming engine,
// evaluates its outputs and writes its sink. What a sink holds at the end
// is what the streaming job leaves in it after draining: every window
// fired once, running aggregates at their final value, upserts collapsed
// by the sink's primary key.
//
// Rows are taken in the order given; with their partitions (Kafka's, or a
// file's ranges) a row behind its partition's watermark is late for the
// windows the watermark has passed, as in the streaming engine, whose
// source tasks judge lateness per partition too.

#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"
#include "common/sql/sql_plan.hpp"
#include "common/time/time_zone.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ubaflow {

/// The rows of the tables a batch run reads, by table index
/// (bound_script::tables): a source table's rows hold its physical
/// columns in declared order (computed columns are the executor's); a
/// lookup dimension's rows hold all its columns.
struct sql_batch_input {
  std::map<uint32_t, std::vector<sql_row>> tables;
  /// What PROCTIME() gives (lookup joins read the dimension as it is).
  int64_t processing_time_ms = 0;
  /// The partition each source row came from (same order as its table's
  /// rows), to judge lateness as the streaming job does: a row is late for
  /// a window its partition's watermark has passed (the highest event time
  /// of the partition's earlier rows, less the table's WATERMARK delay).
  /// Empty: no row is late.
  std::vector<int32_t> partitions;
  /// event-time.allowed-lateness: rows that far behind a window's end
  /// (by their partition's watermark) still count for it.
  int64_t allowed_lateness_ms = 0;
};

/// What one sink holds after the run.
struct sql_sink_contents {
  uint32_t table = 0;         ///< bound_script::tables
  std::vector<sql_row> rows;  ///< sink columns; sorted, upserts collapsed
};

struct sql_batch_result {
  std::vector<sql_sink_contents> sinks; ///< one per table written, by index
  uint64_t rows_rejected = 0;           ///< evaluation errors
  /// Per query of the plan (in its order): rows found late for a window of
  /// the query (its partition's watermark had passed the window's end and
  /// its allowed lateness), which that window did not take.
  std::vector<uint64_t> late_rows;
  std::vector<std::string> first_errors; ///< at most a few, for the log
};

/// What `sink` holds after `written` (its columns, in order of writing):
/// with a primary key the last row per key, without one every row; sorted
/// (row_less).
std::vector<sql_row> settle_sink_rows(const bound_table& sink,
                                      std::vector<sql_row> written);

/// Runs every query of `plan` (planned from `script`) over `input`.
sql_batch_result run_batch(const bound_script& script, const sql_plan& plan,
                           const sql_batch_input& input, const time_zone& zone);

} // namespace ubaflow
