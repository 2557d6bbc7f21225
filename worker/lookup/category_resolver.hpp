#pragma once

#include "common/config/connector_settings.hpp"
#include "common/protocol/partials.hpp"
#include "worker/lookup/dimension_source.hpp"
#include "worker/lookup/lookup_cache.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ubaflow {

struct resolver_stats {
  uint64_t queries = 0;       ///< round trips to the table
  uint64_t failures = 0;      ///< failed round trips
  uint64_t unknown_ids = 0;   ///< ids the table does not have (per resolve)
  uint64_t unknown_buys = 0;  ///< buys counted under the unknown label
};

/// The LEFT lookup join of the category dimension, applied to pre-aggregated
/// buys per category id: cached names first, then one batched query for
/// the rest. If the table cannot be reached, the affected ids stay
/// unresolved and the caller retries them later: a failing database never
/// silently turns buys into "unknown".
class category_resolver {
public:
  category_resolver(std::unique_ptr<dimension_source> source,
                    lookup_settings settings);

  /// Resolves `buys` (category id → buys). Appends per-name partials to
  /// `out` and the ids that could not be resolved because the table failed
  /// to `unresolved`. Returns false on such a failure, with `error` set.
  bool resolve(const std::vector<std::pair<int64_t, int64_t>>& buys,
               int64_t now_ms, std::vector<category_partial>& out,
               std::vector<std::pair<int64_t, int64_t>>& unresolved,
               std::string& error);

  const lookup_cache& cache() const { return cache_; }
  const resolver_stats& stats() const { return stats_; }
  const dimension_source& source() const { return *source_; }

private:
  std::unique_ptr<dimension_source> source_;
  lookup_settings settings_;
  lookup_cache cache_;
  resolver_stats stats_;
};

} // namespace ubaflow
