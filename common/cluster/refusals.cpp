#include "common/cluster/refusals.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <map>
#include <mutex>
#include <set>

namespace ubaflow {

namespace {

struct refusal_registry {
  std::mutex mutex;
  std::map<std::string, uint64_t, std::less<>> counts;
  std::set<std::pair<std::string, std::string>> logged; ///< (peer, reason)
};

refusal_registry& registry() {
  static refusal_registry r;
  return r;
}

/// Distinct (peer, reason) pairs logged before the log goes quiet: a peer
/// that changes its address for every attempt still cannot flood it.
constexpr size_t max_logged_pairs = 1024;

} // namespace

void count_refusal(std::string_view reason, std::string_view peer,
                   std::string_view detail) {
  auto& r = registry();
  bool log = false;
  {
    std::lock_guard<std::mutex> guard{r.mutex};
    auto i = r.counts.find(reason);
    if (i == r.counts.end())
      i = r.counts.emplace(std::string{reason}, 0).first;
    ++i->second;
    if (r.logged.size() < max_logged_pairs)
      log = r.logged.emplace(std::string{peer}, std::string{reason}).second;
  }
  if (log)
    spdlog::warn("refused from {}: {} ({}); further refusals of this kind "
                 "from there are only counted",
                 peer, detail, reason);
}

std::vector<std::pair<std::string, uint64_t>> refusal_counts() {
  auto& r = registry();
  std::lock_guard<std::mutex> guard{r.mutex};
  return {r.counts.begin(), r.counts.end()};
}

uint64_t refusal_count(std::string_view reason) {
  auto& r = registry();
  std::lock_guard<std::mutex> guard{r.mutex};
  auto i = r.counts.find(reason);
  return i == r.counts.end() ? 0 : i->second;
}

void add_refusal_samples(std::vector<metric_sample>& out,
                         const std::vector<metric_label>& base) {
  const char* const name = "ubaflow_cluster_refused_total";
  auto with_reason = [&](const std::string& reason) {
    auto l = base;
    l.push_back({"reason", reason});
    return l;
  };
  const auto counts = refusal_counts();
  for (const auto& [reason, count] : counts)
    out.push_back({name, with_reason(reason), static_cast<double>(count)});
  // The reasons every operator should see, at 0 before anything happens.
  for (const char* reason : {"tls_handshake", "frame_too_large",
                             "wrong_sender", "invalid_message"}) {
    const bool counted
      = std::any_of(counts.begin(), counts.end(),
                    [&](const auto& c) { return c.first == reason; });
    if (!counted)
      out.push_back({name, with_reason(reason), 0});
  }
}

} // namespace ubaflow
