#pragma once

#include "common/metrics/metric_catalogue.hpp"
#include "common/protocol/metric_sample.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace prometheus {
class Registry;
}

namespace ubaflow {

/// A process's Prometheus registry (prometheus-cpp). It registers the
/// families of every catalogue metric the process exports once, when it is
/// built; a scrape then only updates the labelled children from samples
/// and serializes. Thread-safe: REST handler threads scrape concurrently.
class metric_registry {
public:
  /// `process_labels`: labels this process may add to its metrics besides
  /// the catalogue's (a worker labels its own figures with its name).
  explicit metric_registry(metric_home home,
                           std::vector<std::string> process_labels = {});
  ~metric_registry();
  metric_registry(const metric_registry&) = delete;
  metric_registry& operator=(const metric_registry&) = delete;

  /// Makes `samples` the registry's whole content and returns it in
  /// Prometheus' text format. Children no sample names any more (a task
  /// gone after a rescale) are removed; a counter whose value went down (a
  /// restart counts from zero) starts over, which Prometheus' rate() reads
  /// as a counter reset. Samples of metrics this process does not export,
  /// or with other labels than the catalogue's (check_sample), are dropped,
  /// counted in `dropped()` and logged once per metric.
  std::string publish(const std::vector<metric_sample>& samples);

  uint64_t dropped() const;

private:
  struct family_slot;
  void set(family_slot& slot, const std::map<std::string, std::string>& labels,
           double value);

  mutable std::mutex mutex_;
  std::vector<std::string> process_labels_;
  std::unique_ptr<prometheus::Registry> registry_;
  std::map<std::string, std::unique_ptr<family_slot>, std::less<>> families_;
  uint64_t dropped_ = 0;
  std::set<std::string, std::less<>> reported_; ///< metrics logged as dropped
};

} // namespace ubaflow
