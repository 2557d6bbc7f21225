#pragma once

#include "common/protocol/results.hpp"

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace ubaflow {

/// A row taken out of the buffer for sending, with the version it had.
struct taken_row {
  result_row row;
  uint64_t version = 0;
};

/// Rows waiting to be written, coalesced by (index, id): since every row is
/// an upsert of a whole document, only the newest version of an id needs to
/// be sent. This bounds the memory of a sink whose server is down by the
/// number of distinct result ids, and makes retries safe: a failed old
/// version is only put back if no newer one arrived meanwhile.
class bulk_buffer {
public:
  /// Adds or replaces the pending row for (kind, id).
  void add(result_row row);

  /// Takes rows in arrival order until `max_actions` rows or `max_bytes` of
  /// payload (always at least one row).
  std::vector<taken_row> take(size_t max_actions, size_t max_bytes);

  /// Puts a row back after a failed attempt unless a newer version of it
  /// is already pending. Returns true if it was put back.
  bool restore(taken_row row);

  size_t size() const { return pending_.size(); }
  size_t bytes() const { return bytes_; }
  bool empty() const { return pending_.empty(); }

  /// Rows replaced by a newer version before they were sent.
  uint64_t coalesced() const { return coalesced_; }

private:
  struct key {
    std::string index;
    std::string id;
    friend bool operator==(const key& a, const key& b) {
      return a.index == b.index && a.id == b.id;
    }
    template <class H>
    friend H AbslHashValue(H h, const key& k) {
      return H::combine(std::move(h), k.index, k.id);
    }
  };
  struct slot {
    result_row row;
    uint64_t version = 0;
    uint64_t order = 0;
  };

  static size_t row_bytes(const result_row& row) {
    return row.index.size() + row.id.size() + row.document.size() + 64;
  }

  absl::flat_hash_map<key, slot> pending_;
  std::deque<std::pair<key, uint64_t>> order_; ///< (key, order) queue
  uint64_t next_version_ = 1;
  uint64_t next_order_ = 1;
  size_t bytes_ = 0;
  uint64_t coalesced_ = 0;
  /// Highest version ever taken or put per key, to recognise stale restores.
  absl::flat_hash_map<key, uint64_t> latest_version_;
};

} // namespace ubaflow
