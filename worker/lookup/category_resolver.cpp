#include "worker/lookup/category_resolver.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>

namespace ubaflow {

category_resolver::category_resolver(std::unique_ptr<dimension_source> source,
                                     lookup_settings settings)
  : source_(std::move(source)),
    settings_(std::move(settings)),
    cache_(settings_.cache_max_rows, settings_.cache_ttl_ms,
           settings_.cache_missing) {
  settings_.batch_size = std::max<size_t>(1, settings_.batch_size);
}

bool category_resolver::resolve(
  const std::vector<std::pair<int64_t, int64_t>>& buys, int64_t now_ms,
  std::vector<category_partial>& out,
  std::vector<std::pair<int64_t, int64_t>>& unresolved, std::string& error) {
  absl::flat_hash_map<std::string, int64_t> by_name;
  auto count = [&](const std::optional<std::string>& name, int64_t n) {
    if (name) {
      by_name[*name] += n;
    } else {
      ++stats_.unknown_ids;
      stats_.unknown_buys += static_cast<uint64_t>(n);
      by_name[settings_.unknown_label] += n;
    }
  };

  std::vector<std::pair<int64_t, int64_t>> pending;
  for (const auto& [id, n] : buys) {
    if (const auto* e = cache_.get(id, now_ms))
      count(e->name, n);
    else
      pending.emplace_back(id, n);
  }

  bool ok = true;
  std::vector<int64_t> ids;
  std::vector<std::pair<int64_t, std::string>> found;
  for (size_t begin = 0; begin < pending.size();
       begin += settings_.batch_size) {
    const size_t end = std::min(pending.size(), begin + settings_.batch_size);
    ids.clear();
    found.clear();
    for (size_t i = begin; i < end; ++i)
      ids.push_back(pending[i].first);
    if (ok) {
      ++stats_.queries;
      if (!source_->lookup(ids, found, error)) {
        ++stats_.failures;
        ok = false;
      }
    }
    if (!ok) {
      // After a failure the rest waits for the caller's retry as well.
      unresolved.insert(unresolved.end(), pending.begin() + begin,
                        pending.begin() + end);
      continue;
    }
    absl::flat_hash_map<int64_t, std::string> names;
    for (auto& [id, name] : found)
      names.try_emplace(id, std::move(name));
    for (size_t i = begin; i < end; ++i) {
      auto it = names.find(pending[i].first);
      std::optional<std::string> name;
      if (it != names.end())
        name = it->second;
      count(name, pending[i].second);
      cache_.put(pending[i].first, std::move(name), now_ms);
    }
  }

  for (auto& [name, n] : by_name)
    out.push_back({name, n});
  return ok;
}

} // namespace ubaflow
