#include "worker/state/hourly_buy_store.hpp"

namespace ubaflow {

void hourly_buy_store::merge(const hourly_partial& partial,
                             event_time watermark) {
  const event_time end = partial.window_start + spec_.hour_ms;
  if (end - 1 + spec_.allowed_lateness_ms <= watermark) {
    late_buys_ += static_cast<uint64_t>(partial.buys);
    return;
  }
  auto& e = windows_[partial.window_start];
  e.buys += partial.buys;
  if (e.emitted)
    e.dirty = true;
}

void hourly_buy_store::advance(event_time watermark,
                               const result_formatter& format,
                               std::vector<result_row>& out) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    const event_time start = it->first;
    const event_time end = start + spec_.hour_ms;
    if (end - 1 > watermark)
      break; // windows are ordered by start and all equally long
    auto& e = it->second;
    if (!e.emitted || e.dirty) {
      out.push_back(format.hourly(start, end, e.buys));
      e.emitted = true;
      e.dirty = false;
    }
    if (end - 1 + spec_.allowed_lateness_ms <= watermark)
      it = windows_.erase(it);
    else
      ++it;
  }
}

void hourly_buy_store::snapshot(key_group group, uint32_t key_groups,
                                std::vector<hourly_window_snapshot>& out) const {
  for (const auto& [start, e] : windows_)
    if (key_group_of_int(start, key_groups) == group)
      out.push_back({start, e.buys, e.emitted, e.dirty});
}

void hourly_buy_store::restore(
  const std::vector<hourly_window_snapshot>& windows) {
  for (const auto& w : windows) {
    auto& e = windows_[w.window_start];
    e.buys += w.buys;
    e.emitted = w.emitted;
    e.dirty = w.dirty;
  }
}

} // namespace ubaflow
