#pragma once

#include "common/protocol/metric_sample.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Every metric a ubaflow process exports, in one place: the Prometheus
/// registries register their families from here once, task probes may only
/// publish samples of metrics listed here, and docs/metrics.md is checked
/// against it (unit test "metrics.catalogue"). Adding a metric means one
/// entry here, one line in docs/metrics.md and the code that counts it.

enum class metric_type { counter, gauge };

/// Which process's /metrics carries a metric.
enum class metric_home {
  coordinator,  ///< job, cluster and task metrics (tasks report to it)
  worker,       ///< a worker's own figures
  every_process ///< process figures and cluster refusals
};

struct metric_definition {
  std::string name;
  metric_type type = metric_type::gauge;
  std::string help;
  /// The labels every sample of the metric carries, in no particular order.
  std::vector<std::string> labels;
  metric_home home = metric_home::coordinator;
};

/// All metrics, in the order the registries register them.
const std::vector<metric_definition>& metric_catalogue();

/// nullptr when `name` is not in the catalogue.
const metric_definition* find_metric(std::string_view name);

/// Whether a process with role `home` (coordinator or worker) exports the
/// metric.
bool exported_by(const metric_definition& metric, metric_home home);

/// Empty when `sample` names a catalogue metric and carries exactly its
/// labels, each once, plus perhaps some of `process_labels` (labels a
/// process adds to its own figures, e.g. a worker's name); otherwise what
/// is wrong.
std::string check_sample(const metric_sample& sample,
                         const std::vector<std::string>& process_labels = {});

} // namespace ubaflow
