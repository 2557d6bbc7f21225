#pragma once

// What an owner actor (worker/state/state_actor) drives: the keyed state
// of one key-group range (sql_owner_state; the tests' owners too). The
// actor aligns barriers, returns credits, sends rows and reports;
// everything that depends on what the job computes is behind this
// interface.

#include "common/protocol/partials.hpp"
#include "common/protocol/results.hpp"
#include "common/protocol/snapshots.hpp"
#include "common/time/event_time.hpp"
#include "common/util/key_groups.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// What one step of an owner's logic produced.
struct state_output {
  std::vector<result_row> rows;   ///< to the sinks
  std::vector<uv_slice> slices;   ///< shares of distinct counts, to the combiner
  bool progressed = false;        ///< the owner's watermark advanced

  void clear() {
    rows.clear();
    slices.clear();
    progressed = false;
  }
};

class owner_logic {
public:
  virtual ~owner_logic() = default;

  /// Merges one batch from input `batch.source` (checked by check_batch),
  /// then fires whatever the combined watermark allows. False with `error`,
  /// nothing merged, for partials that do not decode or are not this
  /// owner's.
  virtual bool merge(const partial_batch& batch, state_output& out,
                     std::string& error) = 0;

  /// The running aggregates changed since the last call, as upserts (on
  /// the owner's timer: mini-batches, as Flink's).
  virtual void emit_updates(state_output& out) = 0;

  /// The state of `group` (of `key_group_count`), for a checkpoint taken
  /// at an aligned barrier.
  virtual key_group_snapshot snapshot(key_group group,
                                      uint32_t key_group_count) const = 0;

  /// The non-empty snapshots of every group of the range, ascending.
  virtual std::vector<key_group_snapshot>
  snapshot_groups(uint32_t key_group_count) const {
    std::vector<key_group_snapshot> out;
    for (key_group g = range().first; g < range().last; ++g)
      if (auto s = snapshot(g, key_group_count); !s.empty())
        out.push_back(std::move(s));
    return out;
  }

  /// Adds a key group's state from a checkpoint, before any batch arrives;
  /// false for a group outside the range or malformed state.
  virtual bool restore(const key_group_snapshot& snapshot) = 0;

  /// The combined watermark of this range at the checkpoint restored from:
  /// what was behind it then is late now too, and what fired stays fired.
  virtual void restore_watermark(event_time floor) = 0;

  virtual event_time watermark() const = 0;
  virtual bool finished() const = 0;
  virtual key_group_range range() const = 0;
  virtual size_t input_count() const = 0;
  /// The queries of the job's plan.
  virtual size_t sql_queries() const { return 0; }

  virtual uint64_t late_records() const = 0;
  virtual uint64_t batches() const = 0;
  virtual uint64_t state_bytes() const = 0;
  virtual uint64_t open_windows() const = 0;
  /// State bytes per key group of the range (empty when not known).
  virtual std::vector<uint64_t> state_bytes_by_group() const { return {}; }
};

} // namespace ubaflow
