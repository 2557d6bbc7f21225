#pragma once

#include "common/protocol/status.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ubaflow {

/// Figures of a job_status summed over its tasks.
struct job_totals {
  uint64_t records = 0;
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  std::vector<uint64_t> rejects_by_reason;
  /// Records late for a window of a query, summed over the queries.
  uint64_t late_records = 0;
  /// Late records by query: ((number, sink table), records),
  /// in query order; from the sources' ubaflow_late_records_total.
  std::map<std::pair<uint64_t, std::string>, uint64_t> late_by_query;
  /// Dropped by owners because the combined watermark had passed (only
  /// after an idle partition resumed behind it).
  uint64_t late_at_owners = 0;
  uint64_t lag = 0;
  bool lag_known = false;
  event_time watermark = min_event_time; ///< min over owners
  uint64_t rows_written = 0;
  bool kafka_down = false;
  size_t workers = 0;   ///< cluster only: workers present
  uint32_t attempt = 0; ///< cluster only: execution attempt
  checkpoint_stats checkpoints; ///< cluster only
  std::string state;    ///< the job's state (running, restarting, ...)
  bool sinks_healthy = true;
  std::string sink_error;
  std::string lookup_error;
};

job_totals sum_up(const job_status& status);

/// Something the job is waiting out or retrying now: the last checkpoint
/// failed, Kafka unreachable, a sink retrying, a lookup retrying. `kind`
/// names the part (checkpoints, kafka, sink, lookup); `text` is what the
/// web UI shows, and the progress line too (which counts failed
/// checkpoints instead).
struct job_problem {
  std::string kind;
  std::string text;
};
/// The problems in `now`, in the order the progress line shows them.
std::vector<job_problem> job_problems(const job_totals& now);

/// One progress line: rate, watermark, lag, rejects, late, rows written and
/// any trouble (Kafka down, sink retrying, lookup failing).
std::string progress_line(const job_totals& now, const job_totals& before,
                          double seconds_since_before, double elapsed);

/// The end-of-job summary printed on stdout (late rows per query).
std::string summary(const job_status& status, double elapsed_seconds);

} // namespace ubaflow
