#include "common/util/key_groups.hpp"

namespace ubaflow {

key_group_range range_for_owner(uint32_t index, uint32_t parallelism,
                                uint32_t count) {
  // Smallest kg with kg * parallelism / count == index, up to that of index+1.
  auto first_of = [&](uint64_t i) {
    return static_cast<key_group>((i * count + parallelism - 1) / parallelism);
  };
  return {first_of(index), first_of(uint64_t{index} + 1)};
}

key_group_coverage::key_group_coverage(uint32_t count)
  : covered_flags_(count, false) {
  // nop
}

void key_group_coverage::add(key_group_range range) {
  for (key_group kg = range.first; kg < range.last && kg < covered_flags_.size();
       ++kg) {
    if (!covered_flags_[kg]) {
      covered_flags_[kg] = true;
      ++covered_;
    }
  }
}

void key_group_coverage::reset() {
  covered_flags_.assign(covered_flags_.size(), false);
  covered_ = 0;
}

} // namespace ubaflow
