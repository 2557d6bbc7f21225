#pragma once

// The exact set behind COUNT(DISTINCT x) (issue 13): integer columns in
// compressed Roaring bitmaps (CRoaring), one 32-bit bitmap per distinct
// upper half of the 64-bit value, as today's user_bitmap keeps user ids
// (in practice ids fit in 32 bits and this is one bitmap); strings in a
// hash set. Exact, never a sketch: partial sets from sources merge at the
// owner by union.

#include "common/sql/exec/sql_byte_codec.hpp"
#include "common/sql/exec/sql_value.hpp"
#include "common/util/key_groups.hpp"

#include <roaring/roaring.hh>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace ubaflow {

class sql_distinct_set {
public:
  /// Integer values (BIGINT kind, any integer type) or strings.
  enum class value_kind : uint8_t { integers, strings };

  explicit sql_distinct_set(value_kind kind) : kind_(kind) {
    // nop
  }

  value_kind kind() const { return kind_; }

  /// A source's pre-aggregation: integers are only collected, without the
  /// bound on pending ones, and sorted once, when the set is read or sent
  /// (a source bounds what it buffers between flushes). Kept by copies.
  void collect_until_read() { collecting_ = true; }

  /// Adds a value; NULL is not a value (COUNT(DISTINCT x) skips it). A
  /// value of the other representation throws std::invalid_argument (the
  /// binder gives the column one type, so that is a caller's bug).
  void add(const sql_value& value);
  void add_integer(int64_t value);
  void add_string(const std::string& value);

  /// Union with a set of the same kind (std::invalid_argument otherwise).
  void merge(const sql_distinct_set& other);

  uint64_t size() const;
  /// Whether it holds no value (without sorting what it collected).
  bool empty() const {
    return pending_.empty() && strings_.empty()
           && std::all_of(chunks_.begin(), chunks_.end(),
                          [](const auto& c) { return c.second.isEmpty(); });
  }
  bool contains(const sql_value& value) const;

  /// Flushes the pending integers of `sets`, sorting each sequence once:
  /// a set that collected exactly the values another did, in the same
  /// order and with nothing else held (two queries of a source counting
  /// the same column over the same rows and time slices, e.g. distinct
  /// users per 10 minutes and per day so far), takes a copy of the first
  /// one's bitmaps instead of sorting them again.
  static void settle_alike(const std::vector<sql_distinct_set*>& sets);

  /// The key group of an integer value: that of its block of 4096
  /// consecutive values (sql_distinct_key_groups.cpp says why); a string's
  /// is key_group_of_string's.
  static uint32_t key_group_of_integer(int64_t value, uint32_t key_groups);

  /// The values by key group (key_group_of_integer or key_group_of_string
  /// of each value): one set per range of `ranges` (disjoint ranges of
  /// `key_groups`), holding the values whose group lies in it; values of
  /// no range are left out.
  std::vector<sql_distinct_set>
  split(uint32_t key_groups, const std::vector<key_group_range>& ranges) const;
  /// How many values each key group has (groups without any left out).
  std::map<uint32_t, uint64_t> counts_by_key_group(uint32_t key_groups) const;
  /// The key group of the smallest value (of any value, for strings), or
  /// none for an empty set.
  std::optional<uint32_t> some_key_group(uint32_t key_groups) const;
  /// Whether `other` holds exactly the values this set holds.
  bool same_values(const sql_distinct_set& other) const;
  /// The values of this set that `other` (of the same kind) lacks.
  sql_distinct_set without(const sql_distinct_set& other) const;
  /// Whether every value's key group lies in `range`.
  bool all_within(key_group_range range, uint32_t key_groups) const;

  void serialize(sql_byte_writer& out) const;
  /// Replaces the contents with what serialize() wrote; false (and an
  /// empty set) on malformed input.
  bool deserialize(sql_byte_reader& in);

private:
  /// Nothing but pending integers: what settle_alike() may share.
  bool only_pending() const {
    return kind_ == value_kind::integers && chunks_.empty() && !pending_.empty();
  }
  bool read(sql_byte_reader& in);
  /// Moves the pending integers into the bitmaps: sorted (by radix_sort
  /// when all fit 32 bits, else Boost's spreadsort), a bitmap per upper
  /// half built by appending, then united with
  /// the one held (Roaring appends sorted values far faster than it
  /// inserts among held ones, as the built-in job's user_bitmap::add_sorted
  /// does).
  void flush() const;
  /// Sorted, unique lower halves into the bitmap of `high`.
  void add_sorted(uint32_t high, const std::vector<uint32_t>& lows) const;

  /// Integers added but not yet in `chunks_`: at most this many, so a set
  /// holds at most 2 KiB more than its bitmaps.
  static constexpr size_t max_pending = 256;

  value_kind kind_;
  bool collecting_ = false;
  /// Integers: upper half -> lower halves. Mutable, as `pending_`: every
  /// reader (size, contains, merge, serialize) flushes first, so what the
  /// set holds is the same either way.
  mutable std::map<uint32_t, Roaring> chunks_;
  mutable std::vector<uint64_t> pending_;
  mutable uint64_t pending_highs_ = 0; ///< the pending values' upper halves, OR-ed
  std::unordered_set<std::string> strings_;
};

} // namespace ubaflow
