#include "worker/preagg/pre_aggregator.hpp"

#include "common/util/key_groups.hpp"

#include <algorithm>

namespace ubaflow {

namespace {

/// Compact a window's buffers once this many ids were appended.
constexpr size_t default_compact_threshold = 1 << 20;

void sort_unique(std::vector<uint64_t>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

} // namespace

user_id_set make_user_set(std::vector<uint64_t>& ids) {
  sort_unique(ids);
  user_id_set set;
  set.ids.assign(ids.begin(), ids.end());
  ids.clear(); // keeps its capacity for the next flush
  return set;
}

pre_aggregator::pre_aggregator(window_spec spec, uint32_t key_groups)
  : spec_(spec),
    key_groups_(key_groups),
    compact_threshold_(default_compact_threshold) {
  // nop
}

void pre_aggregator::add(const user_event& event, event_time wm) {
  ++records_;
  if (event.kind == behavior::buy) {
    if (spec_.computes(result_kind::buy_cnt_per_hour))
      add_hourly(event, wm);
    if (spec_.computes(result_kind::top_category))
      ++category_buys_[event.category_id]; // running: never late
  }
  if (spec_.computes_uv())
    add_uv(event, wm);
}

void pre_aggregator::add_hourly(const user_event& event, event_time wm) {
  const event_time start = align_down(event.ts, spec_.hour_ms);
  if (start + spec_.hour_ms - 1 + spec_.allowed_lateness_ms <= wm) {
    ++late_.hourly;
    return;
  }
  for (auto& [window, count] : hourly_) {
    if (window == start) {
      ++count;
      return;
    }
  }
  hourly_.emplace_back(start, 1);
}

pre_aggregator::uv_buffer& pre_aggregator::uv_window(event_time start) {
  if (last_uv_ < uv_.size() && uv_[last_uv_].window_start == start)
    return uv_[last_uv_];
  size_t free_slot = uv_.size();
  for (size_t i = 0; i < uv_.size(); ++i) {
    if (uv_[i].window_start == start) {
      last_uv_ = i;
      return uv_[i];
    }
    if (!uv_[i].in_use && free_slot == uv_.size())
      free_slot = i;
  }
  // Reuse a drained buffer (and its vectors' capacity) if there is one.
  if (free_slot == uv_.size()) {
    uv_.emplace_back();
    uv_.back().both.resize(key_groups_);
  }
  auto& buffer = uv_[free_slot];
  buffer.window_start = start;
  buffer.in_use = true;
  last_uv_ = free_slot;
  return buffer;
}

void pre_aggregator::add_uv(const user_event& event, event_time wm) {
  const uint64_t user = static_cast<uint64_t>(event.user_id);
  const event_time start = align_down(event.ts, spec_.uv_ms);
  const event_time end = start + spec_.uv_ms;
  const key_group group = key_group_of_int(event.user_id, key_groups_);

  if (end - 1 > wm) { // the common case: the step is still open
    auto& buffer = uv_window(start);
    buffer.both[group].push_back(user);
    if (++buffered_users_ % compact_threshold_ == 0)
      compact(buffer);
    return;
  }

  // The step has closed on this partition.
  const bool tumbling_open
    = spec_.computes(result_kind::cumulative_uv)
      && end - 1 + spec_.allowed_lateness_ms > wm;
  if (tumbling_open) {
    late_users_[{start, group, false}].push_back(user);
    ++buffered_users_;
  } else if (spec_.computes(result_kind::cumulative_uv)) {
    ++late_.uv;
  }
  if (!spec_.computes(result_kind::cumulative_uv_daily))
    return;
  const event_time day_end = align_down(event.ts, spec_.day_ms) + spec_.day_ms;
  if (day_end - 1 <= wm) {
    ++late_.daily;
    return;
  }
  // Count the user in every step of its day that has not closed yet.
  const event_time first_open_step = align_down(wm + 1, spec_.uv_ms);
  late_users_[{first_open_step, group, true}].push_back(user);
  ++buffered_users_;
}

void pre_aggregator::compact(uv_buffer& buffer) {
  for (auto& ids : buffer.both)
    sort_unique(ids);
}

void pre_aggregator::drain(local_partials& out) {
  for (auto& [window, count] : hourly_)
    out.hourly.push_back({window, count});
  hourly_.clear();

  for (auto& [category, buys] : category_buys_)
    out.category_buys.emplace_back(category, buys);
  category_buys_.clear();

  // One uv_partial per (step, key group) that saw any user.
  absl::flat_hash_map<std::pair<event_time, key_group>, size_t> index;
  auto partial_for = [&](event_time start, key_group group) -> uv_partial& {
    auto [it, inserted] = index.try_emplace({start, group}, out.uv.size());
    if (inserted) {
      out.uv.emplace_back();
      out.uv.back().window_start = start;
      out.uv.back().group = group;
    }
    return out.uv[it->second];
  };
  for (auto& buffer : uv_) {
    if (!buffer.in_use)
      continue;
    for (key_group group = 0; group < key_groups_; ++group) {
      auto& ids = buffer.both[group];
      if (!ids.empty())
        partial_for(buffer.window_start, group).both = make_user_set(ids);
    }
    buffer.in_use = false;
    buffer.window_start = min_event_time;
  }
  // Keep a few drained buffers for the next windows; drop the rest.
  while (uv_.size() > 4)
    uv_.pop_back();
  last_uv_ = 0;
  for (auto& [key, ids] : late_users_) {
    auto& partial = partial_for(key.window_start, key.group);
    (key.daily ? partial.daily_only : partial.tumbling_only)
      = make_user_set(ids);
  }
  late_users_.clear();
  buffered_users_ = 0;
}

} // namespace ubaflow
