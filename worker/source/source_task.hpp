#pragma once

#include "common/config/connector_settings.hpp"
#include "common/protocol/checkpoints.hpp"
#include "common/protocol/partials.hpp"
#include "common/config/job_config.hpp"
#include "worker/parse/reject_log.hpp"
#include "worker/source/dead_letter_producer.hpp"
#include "worker/source/record_reader.hpp"
#include "worker/source/source_stage.hpp"
#include "worker/watermark/watermark_tracker.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

struct source_task_settings {
  uint32_t source_index = 0; ///< this task's input index at every owner
  /// The job's partition id of each slot (file index for files).
  std::vector<int32_t> partitions;
  /// Format per slot; a missing entry means JSON.
  std::vector<record_format> formats;
  int64_t watermark_delay_ms = 5'000;
  int64_t idle_timeout_ms = 0;
  int64_t flush_interval_ms = 200;
  size_t read_batch = 8192;
  size_t max_record_bytes = 1 << 20; ///< larger: rejected, never parsed
  std::string topic; ///< for dead-letter headers and logs
};

/// Counters of one source task (read by the progress display and metrics).
struct source_stats {
  uint64_t records_in = 0;
  uint64_t bytes_in = 0;
  uint64_t accepted = 0;
  uint64_t batches_sent = 0;
  uint64_t partials_sent = 0;
  uint64_t exchange_bytes = 0; ///< encoded partials sent (exchange volume)
  uint64_t busy_us = 0;       ///< time spent parsing, aggregating, flushing
  uint64_t flushes = 0;
  uint64_t lookup_failures = 0;
  bool lookup_failing = false;
  std::string lookup_error;
};

/// The fused chain of one source task: read → parse → watermark →
/// pre-aggregate, then on flush (lookup join →) route to owners; what is
/// parsed and aggregated is the job's source_stage. Plain logic driven by
/// the source actor; nothing here blocks longer than a read timeout or a
/// lookup query.
class source_task {
public:
  /// `owners`: the number of owners each flush sends a batch to.
  source_task(source_task_settings settings,
              std::unique_ptr<record_reader> reader,
              std::unique_ptr<source_stage> stage, size_t owners,
              std::unique_ptr<dead_letter_producer> dead_letters = nullptr);

  /// Reads and processes one batch. Returns false on a fatal reader error
  /// (see error()).
  bool step(int timeout_ms, int64_t now_ms);

  /// True when a flush is due: interval elapsed, buffers large, or the
  /// input has ended.
  bool flush_due(int64_t now_ms) const;

  /// Produces one batch per owner with everything accumulated, the lookup
  /// join applied, and the current watermark. Batches to owners with
  /// nothing new are omitted unless `force`.
  void flush(int64_t now_ms, std::vector<partial_batch>& out,
             bool force = false);

  /// Every slot has ended and everything was flushed, including the final
  /// end-of-input batches.
  bool done() const { return done_; }
  /// The last step read nothing because the stage was not ready (it waits
  /// for its dimensions): poll again after a pause, not at once.
  bool waiting() const { return waiting_; }

  /// The input has ended (every slot finished); final flush pending.
  bool input_ended() const;

  void drain() { reader_->bound_to_current_end(); }

  /// Continues from a checkpoint: partition watermarks and next offsets of
  /// the restored partitions (the reader was opened at those offsets).
  /// Call before the first step.
  void restore(const std::vector<partition_checkpoint>& partitions);

  /// Checkpoint `id` passes this task: flushes everything accumulated into
  /// one batch per owner carrying the barrier, and returns the task's part
  /// of the checkpoint (positions after those batches).
  source_checkpoint checkpoint(uint64_t id, int64_t now_ms,
                               std::vector<partial_batch>& out);

  /// Whether every partition of `part` has a position a restore can use:
  /// false while a partition read from "latest" or a timestamp has not been
  /// fetched yet (its start would be resolved anew, later).
  bool restorable(const source_checkpoint& part) const;

  uint32_t index() const { return settings_.source_index; }

  source_progress progress(int64_t now_ms) { return watermarks_.progress(now_ms); }
  const source_stats& stats() const { return stats_; }
  const reject_counts& rejects() const { return rejects_.counts(); }
  uint64_t late_records() const { return stage_->late_records(); }
  std::vector<source_stage::query_late> late_by_query() const {
    return stage_->late_by_query();
  }
  const std::string& error() const { return reader_->last_error(); }
  record_reader& reader() { return *reader_; }
  const dead_letter_producer* dead_letters() const {
    return dead_letters_.get();
  }

private:
  void start(int64_t now_ms);
  void process(int64_t now_ms);
  void flush_partials(int64_t now_ms, std::vector<partial_batch>& out,
                      bool force);

  source_task_settings settings_;
  std::unique_ptr<record_reader> reader_;
  std::unique_ptr<source_stage> stage_;
  size_t owners_;
  std::unique_ptr<dead_letter_producer> dead_letters_;
  watermark_tracker watermarks_;
  reject_log rejects_;
  record_batch batch_;
  std::vector<source_progress> last_sent_; ///< per owner
  std::vector<uint64_t> sequence_;         ///< per owner
  std::vector<partition_checkpoint> restored_; ///< per slot
  int64_t last_flush_ms_ = 0;
  bool done_ = false;
  bool waiting_ = false;
  bool started_ = false;
  source_stats stats_;
};

} // namespace ubaflow
