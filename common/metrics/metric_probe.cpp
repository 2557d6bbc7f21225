#include "common/metrics/metric_probe.hpp"

#include "common/metrics/metric_catalogue.hpp"

#include <algorithm>

namespace ubaflow {

metric_probe::metric_probe(std::vector<metric_label> task_labels)
  : task_labels_(std::move(task_labels)) {}

void metric_probe::publish(std::string_view metric, double value,
                           const std::vector<metric_label>& extra) {
  metric_sample sample{std::string{metric}, task_labels_, value};
  sample.labels.insert(sample.labels.end(), extra.begin(), extra.end());
  if (!check_sample(sample).empty()) {
    ++refused_;
    return;
  }
  samples_.push_back(std::move(sample));
}

std::vector<metric_sample> metric_probe::take() {
  std::vector<metric_sample> out;
  out.swap(samples_);
  return out;
}

std::string check_sample(const metric_sample& sample) {
  const auto* metric = find_metric(sample.name);
  if (!metric)
    return "unknown metric " + sample.name;
  for (const auto& label : metric->labels) {
    const bool present
      = std::any_of(sample.labels.begin(), sample.labels.end(),
                    [&](const metric_label& l) { return l.name == label; });
    if (!present)
      return sample.name + " lacks its label " + label;
  }
  return {};
}

} // namespace ubaflow
