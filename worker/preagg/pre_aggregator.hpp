#pragma once

#include "common/protocol/partials.hpp"
#include "worker/parse/user_event.hpp"
#include "common/config/window_spec.hpp"

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <vector>

namespace ubaflow {

/// What a pre_aggregator hands over at a flush, before the lookup join and
/// the routing by key group.
struct local_partials {
  std::vector<hourly_partial> hourly;
  std::vector<uv_partial> uv;
  /// Buys per category id; turned into parent-category partials by the
  /// lookup join at flush time, so one lookup serves many records.
  std::vector<std::pair<int64_t, int64_t>> category_buys;

  bool empty() const {
    return hourly.empty() && uv.empty() && category_buys.empty();
  }
};

/// Local pre-aggregation of one source task (DuckDB's Sink/Combine shape):
/// counts buys per hour and per category id and collects distinct users per
/// 10-minute step and key group, so that the exchange carries partials, not
/// events.
///
/// Lateness is decided here, per record, against the watermark of the
/// record's own partition before it (docs/semantics.md explains why this
/// makes results deterministic). Not thread-safe.
class pre_aggregator {
public:
  pre_aggregator(window_spec spec, uint32_t key_groups);

  /// Folds one accepted record in. `partition_watermark` is the watermark of
  /// its partition before this record.
  void add(const user_event& event, event_time partition_watermark);

  /// Moves everything accumulated since the last drain into `out`.
  void drain(local_partials& out);

  /// Number of user ids buffered since the last drain, a memory measure
  /// callers use to flush early.
  size_t buffered_users() const { return buffered_users_; }

  const late_counts& late() const { return late_; }
  uint64_t records() const { return records_; }

private:
  struct uv_buffer {
    event_time window_start = min_event_time;
    bool in_use = false;
    /// Appended user ids per key group; sorted and deduplicated on drain
    /// or when the buffer grows large (cheaper per record than a hash set).
    std::vector<std::vector<uint64_t>> both;
  };
  struct rare_key {
    event_time window_start;
    key_group group;
    bool daily;
    friend bool operator==(const rare_key& a, const rare_key& b) {
      return a.window_start == b.window_start && a.group == b.group
             && a.daily == b.daily;
    }
    template <class H>
    friend H AbslHashValue(H h, const rare_key& k) {
      return H::combine(std::move(h), k.window_start, k.group, k.daily);
    }
  };

  uv_buffer& uv_window(event_time start);
  void add_uv(const user_event& event, event_time wm);
  void add_hourly(const user_event& event, event_time wm);
  void compact(uv_buffer& buffer);

  window_spec spec_;
  uint32_t key_groups_;

  std::vector<std::pair<event_time, int64_t>> hourly_;
  std::vector<uv_buffer> uv_;
  size_t last_uv_ = 0;
  absl::flat_hash_map<rare_key, std::vector<uint64_t>> late_users_;
  absl::flat_hash_map<int64_t, int64_t> category_buys_;

  size_t buffered_users_ = 0;
  size_t compact_threshold_;
  uint64_t records_ = 0;
  late_counts late_;
};

/// Sorts and deduplicates ids into a user_id_set.
user_id_set make_user_set(std::vector<uint64_t>& ids);

} // namespace ubaflow
