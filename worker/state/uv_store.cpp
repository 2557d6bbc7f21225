#include "worker/state/uv_store.hpp"

#include <algorithm>
#include <optional>

namespace ubaflow {

namespace {

void append(std::vector<uint64_t>& target, const user_id_set& set) {
  target.insert(target.end(), set.ids.begin(), set.ids.end());
}

void sort_unique(std::vector<uint64_t>& ids) {
  if (std::is_sorted(ids.begin(), ids.end())) {
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return;
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

/// |a ∪ b| for sorted, duplicate-free vectors.
size_t union_size(const std::vector<uint64_t>& a,
                  const std::vector<uint64_t>& b) {
  size_t common = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return a.size() + b.size() - common;
}

size_t bytes_of(const std::vector<uint64_t>& ids) {
  return ids.capacity() * sizeof(uint64_t);
}

} // namespace

uv_store::uv_store(const window_spec& spec, key_group_range range)
  : spec_(spec), range_(range) {
  // nop
}

void uv_store::merge(const uv_partial& partial, event_time watermark) {
  const event_time start = partial.window_start;
  const event_time end = start + spec_.uv_ms;
  const bool tumbling = spec_.computes(result_kind::cumulative_uv);
  const bool tumbling_open = tumbling
                             && end - 1 + spec_.allowed_lateness_ms > watermark;
  if (tumbling && !tumbling_open)
    late_users_ += partial.both.size() + partial.tumbling_only.size();

  // Where this partial's users count for the day, if anywhere.
  std::optional<event_time> daily_step;
  if (spec_.computes(result_kind::cumulative_uv_daily)
      && (!partial.both.empty() || !partial.daily_only.empty())) {
    const event_time day = align_down(start, spec_.day_ms);
    if (day + spec_.day_ms - 1 <= watermark) {
      late_users_ += partial.both.size() + partial.daily_only.size();
    } else {
      auto [it, created] = days_.try_emplace(day);
      auto& d = it->second;
      // A step the watermark has passed can only be reached when an idle
      // partition resumes behind the watermark. That step was emitted
      // already (by this owner, or by the others while this one had no
      // state for the day): count the users from the first step still open,
      // as CUMULATE does, and never report a passed step again.
      event_time step = start;
      if (step + spec_.uv_ms - 1 <= watermark)
        step = align_down(watermark + 1, spec_.uv_ms);
      if (created || (!d.emitted_any && step < d.next_step))
        d.next_step = step;
      daily_step = std::max(step, d.next_step);
    }
  }

  const bool shares_both = tumbling_open && daily_step && *daily_step == start;
  if (tumbling_open && (!partial.both.empty()
                        || !partial.tumbling_only.empty())) {
    auto& w = windows_[start];
    auto& c = w.cells[partial.group];
    append(c.both, partial.both);
    append(c.tumbling_only, partial.tumbling_only);
    w.has_tumbling = true;
    if (w.tumbling_emitted)
      w.tumbling_dirty = true;
  }
  if (daily_step) {
    auto& c = windows_[*daily_step].cells[partial.group];
    if (!shares_both)
      append(c.daily_only, partial.both);
    append(c.daily_only, partial.daily_only);
  }
}

void uv_store::advance(event_time watermark, std::vector<uv_slice>& out) {
  if (spec_.computes(result_kind::cumulative_uv))
    fire_tumbling(watermark, out);
  if (spec_.computes(result_kind::cumulative_uv_daily))
    fire_daily(watermark, out);
  purge(watermark);
}

void uv_store::fire_tumbling(event_time watermark, std::vector<uv_slice>& out) {
  for (auto& [start, w] : windows_) {
    const event_time end = start + spec_.uv_ms;
    if (end - 1 > watermark)
      break;
    if (!w.has_tumbling || (w.tumbling_emitted && !w.tumbling_dirty))
      continue;
    uv_slice slice{false, start, end, range_, 0, {}};
    for (auto& [group, c] : w.cells) {
      sort_unique(c.both);
      sort_unique(c.tumbling_only);
      const auto users = static_cast<int64_t>(union_size(c.both, c.tumbling_only));
      if (users > 0)
        slice.groups.push_back({group, users});
      slice.users += users;
    }
    out.push_back(std::move(slice));
    w.tumbling_emitted = true;
    w.tumbling_dirty = false;
  }
}

void uv_store::fire_daily(event_time watermark, std::vector<uv_slice>& out) {
  for (auto it = days_.begin(); it != days_.end();) {
    const event_time day = it->first;
    const event_time day_end = day + spec_.day_ms;
    auto& d = it->second;
    while (d.next_step < day_end && d.next_step + spec_.uv_ms - 1 <= watermark) {
      auto w = windows_.find(d.next_step);
      if (w != windows_.end()) {
        for (auto& [group, c] : w->second.cells) {
          const bool add_both = !c.daily_merged && !c.both.empty();
          if (!add_both && c.daily_only.empty())
            continue;
          auto& seen = d.seen[group];
          const uint64_t before = seen.cardinality();
          if (add_both) {
            sort_unique(c.both);
            seen.add_sorted(c.both.data(), c.both.size());
          }
          if (!c.daily_only.empty()) {
            sort_unique(c.daily_only);
            seen.add_sorted(c.daily_only.data(), c.daily_only.size());
            c.daily_only = {};
          }
          c.daily_merged = true;
          d.seen_total += seen.cardinality() - before;
        }
      }
      const event_time step_end = d.next_step + spec_.uv_ms;
      uv_slice slice{true, day, step_end, range_,
                     static_cast<int64_t>(d.seen_total), {}};
      for (const auto& [group, seen] : d.seen)
        if (const auto users = static_cast<int64_t>(seen.cardinality()))
          slice.groups.push_back({group, users});
      out.push_back(std::move(slice));
      d.emitted_any = true;
      d.next_step = step_end;
    }
    if (d.next_step >= day_end)
      it = days_.erase(it);
    else
      ++it;
  }
}

void uv_store::purge(event_time watermark) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    const event_time start = it->first;
    const event_time end = start + spec_.uv_ms;
    if (end - 1 > watermark)
      break;
    const bool tumbling_done
      = !spec_.computes(result_kind::cumulative_uv)
        || end - 1 + spec_.allowed_lateness_ms <= watermark;
    bool daily_pending = false;
    if (spec_.computes(result_kind::cumulative_uv_daily)) {
      auto d = days_.find(align_down(start, spec_.day_ms));
      daily_pending = d != days_.end() && d->second.next_step <= start;
    }
    if (tumbling_done && !daily_pending)
      it = windows_.erase(it);
    else
      ++it;
  }
}

size_t uv_store::state_bytes() const {
  size_t total = 0;
  for (const auto& [start, w] : windows_)
    for (const auto& [group, c] : w.cells)
      total += bytes_of(c.both) + bytes_of(c.tumbling_only)
               + bytes_of(c.daily_only);
  for (const auto& [day, d] : days_)
    for (const auto& [group, seen] : d.seen)
      total += seen.serialized_size();
  return total;
}

std::vector<uint64_t>
uv_store::state_bytes_by_group(key_group_range range) const {
  std::vector<uint64_t> out(range.last - range.first, 0);
  auto add = [&](key_group group, size_t bytes) {
    if (range.contains(group))
      out[group - range.first] += bytes;
  };
  for (const auto& [start, w] : windows_)
    for (const auto& [group, c] : w.cells)
      add(group, bytes_of(c.both) + bytes_of(c.tumbling_only)
                   + bytes_of(c.daily_only));
  for (const auto& [day, d] : days_)
    for (const auto& [group, seen] : d.seen)
      add(group, seen.serialized_size());
  return out;
}

void uv_store::snapshot(key_group group, std::vector<uv_cell_snapshot>& cells,
                        std::vector<uv_day_snapshot>& days) const {
  for (const auto& [start, w] : windows_) {
    auto c = w.cells.find(group);
    if (c == w.cells.end())
      continue;
    uv_cell_snapshot s;
    s.step_start = start;
    s.has_tumbling = w.has_tumbling;
    s.tumbling_emitted = w.tumbling_emitted;
    s.tumbling_dirty = w.tumbling_dirty;
    s.daily_merged = c->second.daily_merged;
    s.both.ids = c->second.both;
    sort_unique(s.both.ids);
    s.tumbling_only.ids = c->second.tumbling_only;
    sort_unique(s.tumbling_only.ids);
    s.daily_only.ids = c->second.daily_only;
    sort_unique(s.daily_only.ids);
    cells.push_back(std::move(s));
  }
  for (const auto& [day, d] : days_) {
    uv_day_snapshot s;
    s.day = day;
    s.next_step = d.next_step;
    s.emitted_any = d.emitted_any;
    if (auto seen = d.seen.find(group); seen != d.seen.end())
      s.seen = seen->second.serialize();
    days.push_back(std::move(s)); // the day's progress, even without users
  }
}

bool uv_store::restore(key_group group,
                       const std::vector<uv_cell_snapshot>& cells,
                       const std::vector<uv_day_snapshot>& days) {
  for (const auto& s : cells) {
    auto& w = windows_[s.step_start];
    // Flags are the same in every key group's copy: at an aligned
    // checkpoint every owner has seen the same watermarks.
    w.has_tumbling = w.has_tumbling || s.has_tumbling;
    w.tumbling_emitted = s.tumbling_emitted;
    w.tumbling_dirty = w.tumbling_dirty || s.tumbling_dirty;
    auto& c = w.cells[group];
    c.both = s.both.ids;
    c.tumbling_only = s.tumbling_only.ids;
    c.daily_only = s.daily_only.ids;
    c.daily_merged = s.daily_merged;
  }
  for (const auto& s : days) {
    auto [it, created] = days_.try_emplace(s.day);
    auto& d = it->second;
    d.next_step = s.next_step;
    d.emitted_any = d.emitted_any || s.emitted_any;
    if (s.seen.empty())
      continue;
    user_bitmap seen;
    if (!user_bitmap::deserialize(s.seen, seen))
      return false;
    d.seen_total += seen.cardinality();
    d.seen[group] = std::move(seen);
  }
  return true;
}

} // namespace ubaflow
