#pragma once

#include "common/protocol/metric_sample.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// What a task (source, owner, sink) publishes of its metrics. The task
/// keeps counting in its plain counters on the hot path; when it is asked
/// for its status it copies them into its probe, which labels them with
/// the task's labels and hands them out as generic samples. The
/// coordinator's registry (metric_registry) exports them without knowing
/// any of them. Only catalogue metrics with exactly their labels get
/// through (check_sample): anything else is dropped and counted in
/// `refused()`.
class metric_probe {
public:
  /// `task_labels`: the labels every sample of this task carries
  /// (e.g. source="3").
  explicit metric_probe(std::vector<metric_label> task_labels = {});

  /// The current value of `metric` for the task's labels plus `extra`.
  void publish(std::string_view metric, double value,
               const std::vector<metric_label>& extra = {});

  /// The samples published since the last take(), in publication order.
  std::vector<metric_sample> take();

  /// Samples dropped because of an unknown name or a missing label.
  uint64_t refused() const { return refused_; }

private:
  std::vector<metric_label> task_labels_;
  std::vector<metric_sample> samples_;
  uint64_t refused_ = 0;
};

} // namespace ubaflow
