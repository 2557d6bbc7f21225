#pragma once

#include "common/protocol/partials.hpp"
#include "common/util/key_groups.hpp"

#include <vector>

namespace ubaflow {

/// The exchange's routing table: key group → owner. Splits a source's
/// partials into one batch per owner, so each partial travels to exactly
/// the owner of its key group (users by user id, hourly buys by window
/// start, categories by name). Watermarks go to every owner.
class partial_router {
public:
  /// `owners[i]` is the key-group range of owner i; together the ranges
  /// must cover [0, key_groups) exactly once.
  partial_router(uint32_t key_groups, std::vector<key_group_range> owners);

  size_t owner_count() const { return owners_.size(); }
  uint32_t key_groups() const { return key_groups_; }
  size_t owner_of(key_group kg) const { return owner_by_group_[kg]; }
  const std::vector<key_group_range>& owners() const { return owners_; }

  /// Appends the partials to `out[owner]` (out must have owner_count()
  /// batches); moves the user sets out of `uv`.
  void route(std::vector<hourly_partial>& hourly, std::vector<uv_partial>& uv,
             std::vector<category_partial>& categories,
             std::vector<partial_batch>& out) const;

  /// Checks that ranges tile [0, key_groups); returns an error or "".
  static std::string validate(uint32_t key_groups,
                              const std::vector<key_group_range>& owners);

private:
  uint32_t key_groups_;
  std::vector<key_group_range> owners_;
  std::vector<uint32_t> owner_by_group_;
};

} // namespace ubaflow
