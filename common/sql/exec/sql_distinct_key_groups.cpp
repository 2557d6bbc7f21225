// How the values of a distinct set are spread over key groups, for a
// COUNT(DISTINCT) routed by value (sql_routing::distinct_value): integers
// go by blocks of 4096 consecutive values, each block to the key group of
// its number's hash, strings each to the key group of its hash.
//
// Blocks, not single values: the values, read in ascending order, come in
// runs of one block, and a run takes one hash, so splitting, counting and
// checking a set costs a comparison per value, not a hash; a block still
// spreads ids that come in runs (user ids 1..N) over the key groups evenly
// enough (N/4096 blocks).

#include "common/sql/exec/sql_distinct_set.hpp"

#include "common/util/key_groups.hpp"

namespace ubaflow {

namespace {

constexpr uint32_t block_bits = 12;

/// The key group of block `block` (of the whole 64-bit value space).
key_group block_key_group(uint64_t block, uint32_t key_groups) {
  return reduce_to_key_group(mix64(block), key_groups);
}

/// Calls visit(key group, first, last) for each run of values of `bitmap`
/// (the lower halves of upper half `high`) in one block, [first, last) of
/// the values read in bulk (several times faster than CRoaring's iterator)
/// into scratch that is reused. Stops when visit returns false.
template <class Visit>
void for_each_block_run(uint32_t high, const Roaring& bitmap,
                        uint32_t key_groups, Visit&& visit) {
  thread_local std::vector<uint32_t> lows;
  lows.resize(bitmap.cardinality());
  bitmap.toUint32Array(lows.data());
  const uint32_t* end = lows.data() + lows.size();
  for (const uint32_t* first = lows.data(); first != end;) {
    const uint32_t block = *first >> block_bits;
    const uint32_t* last = first + 1;
    while (last != end && (*last >> block_bits) == block)
      ++last;
    const auto group = block_key_group(
      (uint64_t{high} << (32 - block_bits)) | block, key_groups);
    if (!visit(group, first, last))
      return;
    first = last;
  }
}

} // namespace

uint32_t sql_distinct_set::key_group_of_integer(int64_t value,
                                                uint32_t key_groups) {
  return block_key_group(static_cast<uint64_t>(value) >> block_bits,
                         key_groups);
}

std::vector<sql_distinct_set>
sql_distinct_set::split(uint32_t key_groups,
                        const std::vector<key_group_range>& ranges) const {
  std::vector<sql_distinct_set> parts(ranges.size(), sql_distinct_set{kind_});
  // The part of each key group, -1 for none.
  std::vector<int32_t> part_of(key_groups, -1);
  for (size_t r = 0; r < ranges.size(); ++r)
    for (auto g = ranges[r].first; g < ranges[r].last && g < key_groups; ++g)
      part_of[g] = static_cast<int32_t>(r);
  if (kind_ == value_kind::strings) {
    for (const auto& s : strings_)
      if (auto r = part_of[key_group_of_string(s, key_groups)]; r >= 0)
        parts[static_cast<size_t>(r)].strings_.insert(s);
    return parts;
  }
  flush();
  // Per chunk, a mask of each part's blocks (ranges: run containers, from
  // the blocks the values read in bulk show), and the part the chunk's
  // values and the mask have in common, by CRoaring's intersection of
  // containers; a chunk wholly of one part is copied as it is.
  std::vector<Roaring> masks(ranges.size());
  for (const auto& [high, bitmap] : chunks_) {
    int32_t only = -2; // the one part of every run so far; -1: several
    for_each_block_run(high, bitmap, key_groups,
                       [&](key_group group, const uint32_t* first,
                           const uint32_t*) {
                         const auto r = part_of[group];
                         only = only == -2 || only == r ? r : -1;
                         if (r >= 0) {
                           const uint64_t start = *first >> block_bits
                                                  << block_bits;
                           masks[static_cast<size_t>(r)].addRange(
                             start, start + (uint64_t{1} << block_bits));
                         }
                         return true;
                       });
    for (size_t r = 0; r < ranges.size(); ++r) {
      if (only == static_cast<int32_t>(r)) {
        parts[r].chunks_.emplace(high, bitmap);
      } else if (only == -1 && !masks[r].isEmpty()) {
        auto part = bitmap & masks[r];
        if (!part.isEmpty())
          parts[r].chunks_.emplace(high, std::move(part));
      }
      if (!masks[r].isEmpty())
        masks[r] = Roaring{};
    }
  }
  return parts;
}

std::map<uint32_t, uint64_t>
sql_distinct_set::counts_by_key_group(uint32_t key_groups) const {
  std::map<uint32_t, uint64_t> out;
  if (kind_ == value_kind::strings) {
    for (const auto& s : strings_)
      ++out[key_group_of_string(s, key_groups)];
    return out;
  }
  flush();
  thread_local std::vector<uint64_t> counts;
  counts.assign(key_groups, 0);
  for (const auto& [high, bitmap] : chunks_)
    for_each_block_run(high, bitmap, key_groups,
                       [&](key_group group, const uint32_t* first,
                           const uint32_t* last) {
                         counts[group] += static_cast<uint64_t>(last - first);
                         return true;
                       });
  for (uint32_t g = 0; g < key_groups; ++g)
    if (counts[g] > 0)
      out.emplace(g, counts[g]);
  return out;
}

std::optional<uint32_t>
sql_distinct_set::some_key_group(uint32_t key_groups) const {
  if (kind_ == value_kind::strings)
    return strings_.empty() ? std::nullopt
                            : std::optional<uint32_t>{key_group_of_string(
                                *strings_.begin(), key_groups)};
  flush();
  for (const auto& [high, bitmap] : chunks_)
    if (!bitmap.isEmpty())
      return block_key_group((uint64_t{high} << (32 - block_bits))
                               | (bitmap.minimum() >> block_bits),
                             key_groups);
  return std::nullopt;
}

bool sql_distinct_set::all_within(key_group_range range,
                                  uint32_t key_groups) const {
  if (kind_ == value_kind::strings) {
    for (const auto& s : strings_)
      if (!range.contains(key_group_of_string(s, key_groups)))
        return false;
    return true;
  }
  flush();
  bool within = true;
  for (const auto& [high, bitmap] : chunks_) {
    for_each_block_run(high, bitmap, key_groups,
                       [&](key_group group, const uint32_t*, const uint32_t*) {
                         within = range.contains(group);
                         return within;
                       });
    if (!within)
      return false;
  }
  return true;
}

} // namespace ubaflow
