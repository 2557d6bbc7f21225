#pragma once

// The rows of a dimension table by the key a lookup join matches on
// (`LEFT JOIN dim FOR SYSTEM_TIME AS OF ... ON u.k = dim.k`): built once
// per lookup when a task starts or its dimension is read again, probed once
// per row that reaches the join.
//
// Probes come from a stream that evicts the caches between them, so the
// number of memory lines a probe touches is what it costs. The usual key,
// one BIGINT column, is kept in a flat open-addressing table (the key and
// where its rows are, in one slot), not in a node-based hash map of
// vectors (a bucket, a node, the key's vector, the rows' vector).
//
// Matching is sql_value's identity (same kind, same payload), as group keys
// use it; a key with a NULL matches nothing (the caller checks), and a
// dimension row whose key holds a NULL is never found.

#include "common/sql/exec/sql_value.hpp"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace ubaflow {

class sql_dimension_index {
public:
  /// A probe's rows, in the dimension's order.
  struct matches {
    const sql_row* const* first = nullptr;
    size_t count = 0;
    const sql_row* const* begin() const { return first; }
    const sql_row* const* end() const { return first + count; }
    bool empty() const { return count == 0; }
  };

  /// `rows` (which must outlive the index) by the values of their
  /// `key_columns` (an index past a row's end reads as NULL).
  sql_dimension_index(const std::vector<sql_row>& rows,
                      const std::vector<uint32_t>& key_columns);

  /// The rows whose key equals `key` (one value per key column).
  matches find(const sql_row& key) const;

  /// Whether the flat table for one BIGINT key is in use (for tests).
  bool flat() const { return flat_; }

private:
  struct slot {
    int64_t key = 0;
    uint32_t first = 0; ///< in rows_
    uint32_t count = 0; ///< 0: an empty slot
  };
  void build_flat(const std::vector<sql_row>& rows, uint32_t column);
  void build_general(const std::vector<sql_row>& rows,
                     const std::vector<uint32_t>& key_columns);
  matches find_flat(int64_t key) const;

  bool flat_ = false;
  std::vector<slot> slots_; ///< a power of two of them, at most half full
  uint64_t mask_ = 0;
  std::vector<const sql_row*> rows_; ///< grouped by key
  std::unordered_map<sql_row, std::vector<const sql_row*>, sql_row_hash>
    general_;
};

} // namespace ubaflow
