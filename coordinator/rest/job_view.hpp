#pragma once

#include "coordinator/rest/flink_api.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

// The job as Flink's REST API and metrics present it: vertices with their
// subtasks' IO figures, and Flink's job and subtask states. Shared by the
// REST rendering (flink_api) and the Prometheus export.

/// Records and bytes of one subtask, in Flink's IO-metrics terms.
struct subtask_io {
  uint64_t read_records = 0;
  uint64_t read_bytes = 0;
  uint64_t write_records = 0;
  uint64_t write_bytes = 0;
  event_time watermark = min_event_time;
  double backpressure = 0; ///< share of time back-pressured, 0..1
  double busy = 0;         ///< share of time working, 0..1
  bool finished = false;
  uint32_t worker = 0;
  std::string assignment; ///< ubaflow: "partitions 0,2" or "key groups 0-63"
};

struct job_vertex {
  std::string id;
  std::string name;
  std::string description;
  std::vector<subtask_io> subtasks;
  std::vector<size_t> inputs; ///< indexes of the input vertices
  std::string ship_strategy;  ///< of its inputs
  std::string sql;            ///< the SQL it runs (a job written in SQL)
};

/// Source, Window/Aggregate, UV combiner (if any) and one sink per output.
std::vector<job_vertex> vertices_of(const rest_view& view);

/// Flink's JobStatus for ubaflow's job state ("running" → RUNNING, ...).
std::string job_state(const std::string& state);
bool is_terminal_state(const std::string& flink_state);
/// Flink's ExecutionState of one subtask.
std::string subtask_state(const rest_view& view, const subtask_io& io);
extern const char* const execution_states[10];

/// The job's end time (-1 while it runs) and duration so far.
int64_t job_end_time(const rest_view& view);
int64_t job_duration(const rest_view& view);

/// A worker's name and host:port by id ("coordinator" / "localhost" for
/// tasks of no worker).
std::string worker_name(const rest_view& view, uint32_t id);
std::string worker_endpoint(const rest_view& view, uint32_t id);

} // namespace ubaflow
