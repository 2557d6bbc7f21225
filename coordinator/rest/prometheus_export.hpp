#pragma once

#include "common/protocol/metric_sample.hpp"
#include "coordinator/rest/flink_api.hpp"

#include <string>
#include <vector>

namespace ubaflow {

/// The job's metrics in Prometheus' text format (prometheus-cpp), for the
/// coordinator's /metrics. Two sets (docs/metrics.md):
///  - Flink's names, types and labels as its Prometheus reporter writes
///    them (flink_jobmanager_*, flink_taskmanager_job_task_operator_*, all
///    gauges, camelCase, milliseconds), so Flink dashboards and alerts work;
///  - ubaflow's own in Prometheus style (ubaflow_*_total counters, base
///    units): rejects by reason, lookup cache, sinks, exchange, state size.
/// Values come from the tasks' status reports, summed per subtask.
std::string render_metrics(const rest_view& view);

/// The samples render_metrics exports for the job (without the process
/// figures): cluster and job figures, the Flink-named subtask metrics
/// derived from the tasks' status, and the samples of the tasks' probes.
std::vector<metric_sample> job_samples(const rest_view& view);

/// What a worker reports about itself on its own /metrics.
struct worker_metrics_view {
  std::string name;
  uint32_t worker_id = 0; ///< 0 while not joined
  uint32_t slots = 0;
  uint64_t tasks = 0;     ///< tasks hosted now
};

/// A worker's own metrics: process figures, membership, hosted tasks and
/// what it refused from its peers (ubaflow_cluster_refused_total). Task metrics come from the coordinator's
/// /metrics (labelled with each subtask's worker), so summing over all
/// scrape targets never counts a record twice.
std::string render_worker_metrics(const worker_metrics_view& view);

} // namespace ubaflow
