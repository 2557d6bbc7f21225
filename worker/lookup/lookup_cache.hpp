#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <list>
#include <optional>
#include <string>

namespace ubaflow {

/// Flink's JDBC lookup cache: at most `max_rows` keys (least recently used
/// evicted first), each expiring `ttl_ms` after it was loaded whether or not
/// it was read since, and, if `cache_missing`, remembering that a key has
/// no row. Processing time is passed in, so tests control the clock.
class lookup_cache {
public:
  struct entry {
    int64_t key = 0;
    std::optional<std::string> name; ///< nullopt: the table has no such key
    int64_t loaded_ms = 0;
  };

  lookup_cache(size_t max_rows, int64_t ttl_ms, bool cache_missing);

  /// The fresh entry for `key`, or nullptr (absent or expired).
  const entry* get(int64_t key, int64_t now_ms);

  /// Stores a lookup result (a miss only if cache_missing).
  void put(int64_t key, std::optional<std::string> name, int64_t now_ms);

  size_t size() const { return index_.size(); }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  uint64_t evictions() const { return evictions_; }
  uint64_t expirations() const { return expirations_; }

private:
  using list_type = std::list<entry>;

  size_t max_rows_;
  int64_t ttl_ms_;
  bool cache_missing_;
  list_type entries_; ///< most recently used first
  absl::flat_hash_map<int64_t, list_type::iterator> index_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
  uint64_t evictions_ = 0;
  uint64_t expirations_ = 0;
};

} // namespace ubaflow
