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

} // namespace ubaflow
