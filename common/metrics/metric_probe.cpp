#include "common/metrics/metric_probe.hpp"

#include "common/metrics/metric_catalogue.hpp"

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

} // namespace ubaflow
