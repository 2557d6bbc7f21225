#pragma once

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/metric_sample.hpp"
#include "common/time/event_time.hpp"

#include <caf/meta/type_name.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// Snapshots actors report when asked (status_atom), for the progress
/// display, the job summary and metrics.

struct partition_status {
  int32_t partition = 0;
  int64_t next_offset = -1;
  int64_t end_offset = -1;
  event_time watermark = min_event_time;
  bool idle = false;
  bool finished = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_status& x) {
  return f(caf::meta::type_name("partition_status"), x.partition,
           x.next_offset, x.end_offset, x.watermark, x.idle, x.finished);
}

/// A source task's status: the typed core the control logic, the progress
/// line, the job summary and Flink's REST API read, plus the samples of its
/// metric probe (metric-only figures travel as samples, so that a new metric
/// needs no field here).
struct source_status {
  uint32_t index = 0;
  std::string description;
  uint64_t records_in = 0;
  uint64_t bytes_in = 0;
  uint64_t accepted = 0;
  std::vector<uint64_t> rejects_by_reason; ///< indexed by reject_reason
  uint64_t late_records = 0; ///< late for a window of a query, summed
  uint64_t batches_sent = 0;
  uint64_t busy_ms = 0;       ///< parsing, aggregating, flushing
  uint64_t backpressured_ms = 0;
  event_time watermark = min_event_time;
  bool idle = false;
  bool done = false;
  std::string lookup_error;
  std::vector<partition_status> partitions;
  std::vector<metric_sample> samples;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, source_status& x) {
  return f(caf::meta::type_name("source_status"), x.index, x.description,
           x.records_in, x.bytes_in, x.accepted, x.rejects_by_reason,
           x.late_records, x.batches_sent, x.busy_ms, x.backpressured_ms,
           x.watermark, x.idle, x.done, x.lookup_error, x.partitions,
           x.samples);
}

/// An owner's (keyed state's) status; its metrics travel as samples.
struct owner_status {
  uint32_t index = 0;
  uint32_t first_key_group = 0;
  uint32_t last_key_group = 0;
  event_time watermark = min_event_time;
  uint64_t batches = 0;
  uint64_t late_records = 0;
  uint64_t rows_emitted = 0;
  uint64_t busy_ms = 0; ///< merging partials and firing windows
  bool finished = false;
  std::vector<metric_sample> samples;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, owner_status& x) {
  return f(caf::meta::type_name("owner_status"), x.index, x.first_key_group,
           x.last_key_group, x.watermark, x.batches, x.late_records,
           x.rows_emitted, x.busy_ms, x.finished, x.samples);
}

/// A sink's status; its metrics travel as samples.
struct sink_status {
  std::string name;
  uint64_t rows_in = 0;
  uint64_t rows_written = 0;
  uint64_t rows_coalesced = 0;
  uint64_t rows_rejected = 0;
  bool healthy = true;
  std::string last_error;
  bool done = false;
  std::vector<metric_sample> samples;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sink_status& x) {
  return f(caf::meta::type_name("sink_status"), x.name, x.rows_in,
           x.rows_written, x.rows_coalesced, x.rows_rejected, x.healthy,
           x.last_error, x.done, x.samples);
}

} // namespace ubaflow

namespace ubaflow {

/// A worker (task manager) as the cluster manager sees it.
struct worker_summary {
  uint32_t id = 0;
  std::string name;
  std::string host;
  uint16_t port = 0;
  uint32_t slots = 1;
  int64_t joined_ms = 0;         ///< wall clock
  int64_t last_heartbeat_ms = 0; ///< wall clock
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_summary& x) {
  return f(caf::meta::type_name("worker_summary"), x.id, x.name, x.host,
           x.port, x.slots, x.joined_ms, x.last_heartbeat_ms);
}

/// Why an execution attempt ended (Flink's exception history).
struct failure_summary {
  int64_t timestamp_ms = 0; ///< wall clock
  uint32_t attempt = 0;
  std::string reason;
  std::string worker; ///< the worker concerned, if any
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, failure_summary& x) {
  return f(caf::meta::type_name("failure_summary"), x.timestamp_ms,
           x.attempt, x.reason, x.worker);
}

/// Where the tasks of the running attempt are: worker ids per source task
/// and per owner (sinks and combiner run on the first worker).
struct task_placement {
  std::vector<uint32_t> sources;
  std::vector<uint32_t> owners;
  uint32_t sinks = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_placement& x) {
  return f(caf::meta::type_name("task_placement"), x.sources, x.owners,
           x.sinks);
}

/// The whole job as the coordinator sees it.
struct job_status {
  std::string name;
  std::string state; ///< running, draining, finished, failed, stopping
  int64_t started_ms = 0; ///< wall-clock epoch millis
  std::vector<source_status> sources;
  std::vector<owner_status> owners;
  std::vector<sink_status> sinks;
  event_time combiner_watermark = min_event_time;
  uint32_t attempt = 1; ///< execution attempt; restarts add one
  std::vector<std::string> workers; ///< "name (host:port, N slots)"
  checkpoint_stats checkpoints;
  // -- cluster only
  std::vector<worker_summary> worker_details;
  std::vector<failure_summary> failures; ///< oldest first, at most 100
  task_placement placement;
  int64_t ended_ms = 0;                  ///< wall clock; 0 while running
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_status& x) {
  return f(caf::meta::type_name("job_status"), x.name, x.state, x.started_ms,
           x.sources, x.owners, x.sinks, x.combiner_watermark, x.attempt,
           x.workers, x.checkpoints, x.worker_details, x.failures,
           x.placement, x.ended_ms);
}

} // namespace ubaflow
