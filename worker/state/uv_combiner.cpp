#include "worker/state/uv_combiner.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ubaflow {

namespace {

key_group key_groups_of(const std::vector<key_group_range>& owners) {
  key_group count = 0;
  for (auto range : owners)
    count = std::max(count, range.last);
  return count;
}

} // namespace

uv_combiner::uv_combiner(const window_spec& spec,
                         std::vector<key_group_range> owners,
                         result_formatter format)
  : spec_(spec), format_(std::move(format)),
    progress_(key_groups_of(owners)) {
  // nop
}

std::optional<std::string> uv_combiner::check(const uv_report& report) const {
  for (const auto& slice : report.slices)
    if (slice.query != 0 || slice.aggregate != 0)
      return std::string{"a SQL query's slice for the built-in job's combiner"};
  return std::nullopt;
}

void uv_combiner::on_report(const uv_report& report,
                            std::vector<result_row>& out) {
  const auto range = report.progress.range;
  if (range.empty() || range.last > progress_.size()) {
    spdlog::warn("uv combiner: report from unknown key-group range [{}, {})",
                 range.first, range.last);
    return;
  }
  const event_time before = watermark();
  for (const auto& slice : report.slices) {
    // A window finalized and purged earlier cannot take a slice any more:
    // re-emitting it from this slice alone would shrink its row.
    const int64_t keep = slice.daily ? 0 : spec_.allowed_lateness_ms;
    if (before != min_event_time && slice.window_end - 1 + keep <= before
        && !(slice.daily ? daily_ : tumbling_).count(slice.window_end)) {
      ++late_slices_;
      continue;
    }
    auto& windows = slice.daily ? daily_ : tumbling_;
    auto& p = windows[slice.window_end];
    p.start = slice.window_start;
    for (const auto& g : slice.groups)
      if (range.contains(g.group))
        p.users_by_group[g.group] = g.users;
  }
  progress_.update(range, report.progress.watermark, report.progress.final);

  const event_time wm = watermark();
  emit_ready(tumbling_, false, wm, out);
  emit_ready(daily_, true, wm, out);
}

combiner_snapshot uv_combiner::snapshot() const {
  combiner_snapshot s;
  progress_.save(s);
  for (const auto* windows : {&tumbling_, &daily_})
    for (const auto& [end, p] : *windows) {
      uv_window_snapshot w{windows == &daily_, p.start, end, p.emitted,
                           p.emitted_total, {}};
      for (const auto& [group, users] : p.users_by_group)
        w.groups.push_back({group, users});
      s.windows.push_back(std::move(w));
    }
  return s;
}

bool uv_combiner::restore(const combiner_snapshot& s) {
  for (const auto& w : s.windows)
    if (w.query != 0 || w.aggregate != 0)
      return false; // a SQL job's
  if (!progress_.load(s))
    return false;
  tumbling_.clear();
  daily_.clear();
  for (const auto& w : s.windows) {
    auto& p = (w.daily ? daily_ : tumbling_)[w.window_end];
    p.start = w.window_start;
    p.emitted = w.emitted;
    p.emitted_total = w.emitted_total;
    for (const auto& g : w.groups)
      p.users_by_group[g.group] = g.users;
  }
  return true;
}

void uv_combiner::emit_ready(std::map<event_time, pending>& windows,
                             bool daily, event_time wm,
                             std::vector<result_row>& out) {
  const int64_t keep = daily ? 0 : spec_.allowed_lateness_ms;
  for (auto it = windows.begin(); it != windows.end();) {
    const event_time end = it->first;
    if (end - 1 > wm)
      break;
    auto& p = it->second;
    int64_t total = 0;
    for (const auto& [group, users] : p.users_by_group)
      total += users;
    if (!p.emitted || total != p.emitted_total) {
      out.push_back(daily ? format_.daily(p.start, end, total)
                          : format_.uv(p.start, end, total));
      p.emitted = true;
      p.emitted_total = total;
    }
    if (wm == max_event_time || end - 1 + keep <= wm)
      it = windows.erase(it);
    else
      ++it;
  }
}

} // namespace ubaflow
