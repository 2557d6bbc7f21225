#pragma once

#include "common/util/hash.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace ubaflow {

using key_group = uint32_t;

/// Default number of key groups: the unit in which keyed state is owned,
/// snapshotted and moved between workers (Flink's "max parallelism").
constexpr uint32_t default_key_group_count = 128;

/// Maps a 64-bit hash onto [0, count) with a multiplication instead of a
/// division (Lemire's "fastrange" on the upper 32 bits); uniform for
/// well-mixed hashes.
inline key_group reduce_to_key_group(uint64_t hash, uint32_t count) {
  return static_cast<key_group>(((hash >> 32) * count) >> 32);
}

inline key_group key_group_of_int(int64_t key, uint32_t count) {
  return reduce_to_key_group(mix64(static_cast<uint64_t>(key)), count);
}

inline key_group key_group_of_string(std::string_view key, uint32_t count) {
  return reduce_to_key_group(hash_bytes(key), count);
}

/// A contiguous, half-open range of key groups [first, last).
struct key_group_range {
  key_group first = 0;
  key_group last = 0;

  bool contains(key_group kg) const { return kg >= first && kg < last; }
  uint32_t size() const { return last - first; }
  bool empty() const { return first >= last; }
  friend bool operator==(key_group_range a, key_group_range b) {
    return a.first == b.first && a.last == b.last;
  }
};

/// The range owned by operator `index` of `parallelism` (Flink's
/// KeyGroupRangeAssignment: owner of kg = kg * parallelism / count).
key_group_range range_for_owner(uint32_t index, uint32_t parallelism,
                                 uint32_t count);

/// Index of the owner of `kg` among `parallelism` contiguous ranges.
inline uint32_t owner_of(key_group kg, uint32_t parallelism, uint32_t count) {
  return static_cast<uint32_t>(uint64_t{kg} * parallelism / count);
}

/// Tracks which key groups of [0, count) have been covered by ranges, for
/// combiners that wait until every owner has reported.
class key_group_coverage {
public:
  explicit key_group_coverage(uint32_t count);
  void add(key_group_range range);
  bool complete() const { return covered_ == covered_flags_.size(); }
  void reset();

private:
  std::vector<bool> covered_flags_;
  size_t covered_ = 0;
};

} // namespace ubaflow
