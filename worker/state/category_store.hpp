#pragma once

#include "common/protocol/partials.hpp"
#include "common/protocol/results.hpp"
#include "common/protocol/snapshots.hpp"
#include "worker/state/result_format.hpp"

#include <absl/container/flat_hash_map.h>

#include <string>
#include <vector>

namespace ubaflow {

/// Keyed state of `top_category` on one owner: the running count of buys
/// per parent category (no window, so nothing is ever late). Changed counts
/// are emitted as upserts in mini-batches, on a processing-time interval.
class category_store {
public:
  void merge(const category_partial& partial);

  /// Appends a row for every category changed since the last call.
  void emit_changed(const result_formatter& format,
                    std::vector<result_row>& out);

  size_t categories() const { return counts_.size(); }
  bool has_changes() const { return changed_ > 0; }

  /// Categories in key group `group` (of `key_groups`), for a checkpoint.
  void snapshot(key_group group, uint32_t key_groups,
                std::vector<category_snapshot>& out) const;
  /// Adds counts from a checkpoint; they are emitted again at the next
  /// mini-batch (upserts of the same documents).
  void restore(const std::vector<category_snapshot>& categories);

private:
  struct entry {
    int64_t buys = 0;
    bool changed = false;
  };
  absl::flat_hash_map<std::string, entry> counts_;
  size_t changed_ = 0;
};

} // namespace ubaflow
