#include "worker/lookup/lookup_cache.hpp"

namespace ubaflow {

lookup_cache::lookup_cache(size_t max_rows, int64_t ttl_ms, bool cache_missing)
  : max_rows_(max_rows), ttl_ms_(ttl_ms), cache_missing_(cache_missing) {
  // nop
}

const lookup_cache::entry* lookup_cache::get(int64_t key, int64_t now_ms) {
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  if (ttl_ms_ > 0 && now_ms - it->second->loaded_ms >= ttl_ms_) {
    entries_.erase(it->second);
    index_.erase(it);
    ++expirations_;
    ++misses_;
    return nullptr;
  }
  entries_.splice(entries_.begin(), entries_, it->second);
  ++hits_;
  return &*it->second;
}

void lookup_cache::put(int64_t key, std::optional<std::string> name,
                       int64_t now_ms) {
  if (max_rows_ == 0 || (!name && !cache_missing_))
    return;
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->name = std::move(name);
    it->second->loaded_ms = now_ms;
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  entries_.push_front({key, std::move(name), now_ms});
  index_[key] = entries_.begin();
  while (index_.size() > max_rows_) {
    index_.erase(entries_.back().key);
    entries_.pop_back();
    ++evictions_;
  }
}

} // namespace ubaflow
