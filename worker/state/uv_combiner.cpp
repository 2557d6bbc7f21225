#include "worker/state/uv_combiner.hpp"

#include <spdlog/spdlog.h>

namespace ubaflow {

uv_combiner::uv_combiner(const window_spec& spec,
                         std::vector<key_group_range> owners,
                         result_formatter format)
  : spec_(spec), format_(std::move(format)) {
  for (auto range : owners)
    owners_[range.first] = owner_progress{range, min_event_time, false};
}

event_time uv_combiner::watermark() const {
  event_time minimum = max_event_time;
  for (const auto& [first, progress] : owners_)
    minimum = std::min(minimum, progress.final ? max_event_time
                                               : progress.watermark);
  return owners_.empty() ? min_event_time : minimum;
}

bool uv_combiner::finished() const {
  for (const auto& [first, progress] : owners_)
    if (!progress.final)
      return false;
  return true;
}

void uv_combiner::on_report(const uv_report& report,
                            std::vector<result_row>& out) {
  auto owner = owners_.find(report.progress.range.first);
  if (owner == owners_.end() || !(owner->second.range == report.progress.range)) {
    spdlog::warn("uv combiner: report from unknown key-group range [{}, {})",
                 report.progress.range.first, report.progress.range.last);
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
    p.users_by_owner[slice.range.first] = slice.users;
  }
  auto& progress = owner->second;
  progress.watermark = std::max(progress.watermark, report.progress.watermark);
  progress.final = progress.final || report.progress.final;

  const event_time wm = watermark();
  emit_ready(tumbling_, false, wm, out);
  emit_ready(daily_, true, wm, out);
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
    for (const auto& [first, users] : p.users_by_owner)
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
