#pragma once

#include <caf/meta/type_name.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// One label of a metric sample.
struct metric_label {
  std::string name;
  std::string value;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metric_label& x) {
  return f(caf::meta::type_name("metric_label"), x.name, x.value);
}

/// A metric's current value for one set of labels, as a task's probe
/// publishes it (common/metrics/metric_probe). Generic on the wire, so that
/// a new metric changes neither the status structs nor the protocol: its
/// name and labels come from the metric catalogue.
struct metric_sample {
  std::string name;
  std::vector<metric_label> labels;
  double value = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metric_sample& x) {
  return f(caf::meta::type_name("metric_sample"), x.name, x.labels, x.value);
}

/// The sum of the samples named `name` (over all their labels): what the
/// progress line and the job summary show of a labelled metric.
inline double sum_of(const std::vector<metric_sample>& samples,
                     std::string_view name) {
  double sum = 0;
  for (const auto& s : samples)
    if (s.name == name)
      sum += s.value;
  return sum;
}

} // namespace ubaflow
