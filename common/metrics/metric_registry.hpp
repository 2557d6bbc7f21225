#pragma once

#include "common/metrics/metric_catalogue.hpp"
#include "common/protocol/metric_sample.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
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
  explicit metric_registry(metric_home home);
  ~metric_registry();
  metric_registry(const metric_registry&) = delete;
  metric_registry& operator=(const metric_registry&) = delete;

  /// Makes `samples` the registry's whole content and returns it in
  /// Prometheus' text format. Children no sample names any more (a task
  /// gone after a rescale) are removed; a counter whose value went down (a
  /// restart counts from zero) starts over, which Prometheus' rate() reads
  /// as a counter reset. Samples of metrics this process does not export
  /// are dropped and counted in `dropped()`.
  std::string publish(const std::vector<metric_sample>& samples);

  uint64_t dropped() const;

private:
  struct family_slot;
  void set(family_slot& slot, const std::map<std::string, std::string>& labels,
           double value);

  mutable std::mutex mutex_;
  std::unique_ptr<prometheus::Registry> registry_;
  std::map<std::string, std::unique_ptr<family_slot>, std::less<>> families_;
  uint64_t dropped_ = 0;
};

} // namespace ubaflow
