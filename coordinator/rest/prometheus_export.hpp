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

} // namespace ubaflow
