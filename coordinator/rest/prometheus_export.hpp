#pragma once

#include "coordinator/rest/flink_api.hpp"

#include <string>

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

} // namespace ubaflow
