#include "common/metrics/metric_registry.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <spdlog/spdlog.h>

#include <set>

namespace ubaflow {

/// One registered family and the label sets of its children.
struct metric_registry::family_slot {
  prometheus::Family<prometheus::Counter>* counters = nullptr;
  prometheus::Family<prometheus::Gauge>* gauges = nullptr;
  std::set<prometheus::Labels> children;
  std::set<prometheus::Labels> touched; ///< by the current publish
};

metric_registry::metric_registry(metric_home home,
                                 std::vector<std::string> process_labels)
  : process_labels_(std::move(process_labels)),
    registry_(std::make_unique<prometheus::Registry>()) {
  for (const auto& metric : metric_catalogue()) {
    if (!exported_by(metric, home))
      continue;
    auto slot = std::make_unique<family_slot>();
    if (metric.type == metric_type::counter)
      slot->counters = &prometheus::BuildCounter()
                          .Name(metric.name)
                          .Help(metric.help)
                          .Register(*registry_);
    else
      slot->gauges = &prometheus::BuildGauge()
                        .Name(metric.name)
                        .Help(metric.help)
                        .Register(*registry_);
    families_.emplace(metric.name, std::move(slot));
  }
}

metric_registry::~metric_registry() = default;

void metric_registry::set(family_slot& slot,
                          const std::map<std::string, std::string>& labels,
                          double value) {
  slot.children.insert(labels);
  slot.touched.insert(labels);
  if (slot.gauges) {
    slot.gauges->Add(labels).Set(value);
    return;
  }
  auto* counter = &slot.counters->Add(labels);
  const double before = counter->Value();
  if (value < before) {
    slot.counters->Remove(counter);
    counter = &slot.counters->Add(labels);
    counter->Increment(value);
  } else if (value > before) {
    counter->Increment(value - before);
  }
}

std::string metric_registry::publish(const std::vector<metric_sample>& samples) {
  std::lock_guard<std::mutex> guard{mutex_};
  for (const auto& sample : samples) {
    auto it = families_.find(sample.name);
    const auto wrong = it == families_.end()
                         ? sample.name + " is not exported by this process"
                         : check_sample(sample, process_labels_);
    if (!wrong.empty()) {
      // A programming error (or a worker of another version): the metric
      // is left out rather than exported with surprising labels.
      ++dropped_;
      if (reported_.insert(sample.name).second)
        spdlog::warn("metrics: {} left out ({})", sample.name, wrong);
      continue;
    }
    std::map<std::string, std::string> labels;
    for (const auto& l : sample.labels)
      labels[l.name] = l.value;
    set(*it->second, labels, sample.value);
  }
  for (auto& [name, slot] : families_) {
    for (auto it = slot->children.begin(); it != slot->children.end();) {
      if (slot->touched.count(*it)) {
        ++it;
        continue;
      }
      if (slot->gauges)
        slot->gauges->Remove(&slot->gauges->Add(*it));
      else
        slot->counters->Remove(&slot->counters->Add(*it));
      it = slot->children.erase(it);
    }
    slot->touched.clear();
  }
  return prometheus::TextSerializer{}.Serialize(registry_->Collect());
}

uint64_t metric_registry::dropped() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return dropped_;
}

} // namespace ubaflow
