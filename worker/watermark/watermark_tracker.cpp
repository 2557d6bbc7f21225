#include "worker/watermark/watermark_tracker.hpp"

#include <algorithm>

namespace ubaflow {

watermark_tracker::watermark_tracker(int64_t delay_ms, int64_t idle_timeout_ms)
  : delay_ms_(delay_ms), idle_timeout_ms_(idle_timeout_ms) {
  // nop
}

void watermark_tracker::assign(size_t slot, int64_t now_ms,
                               event_time restored) {
  if (slot >= slots_.size())
    slots_.resize(slot + 1);
  slot_state s;
  s.assigned = true;
  s.last_active_ms = now_ms;
  s.watermark = restored;
  if (restored != min_event_time)
    s.max_ts = restored + delay_ms_;
  slots_[slot] = s;
}

void watermark_tracker::finish(size_t slot) {
  slots_[slot].finished = true;
}

source_progress watermark_tracker::progress(int64_t now_ms) {
  source_progress out;
  event_time minimum = max_event_time;
  bool any_active = false;
  bool all_finished = true;
  for (auto& s : slots_) {
    if (!s.assigned)
      continue;
    if (s.finished)
      continue;
    all_finished = false;
    if (idle_timeout_ms_ > 0 && now_ms - s.last_active_ms >= idle_timeout_ms_)
      s.idle = true;
    if (s.idle)
      continue;
    any_active = true;
    minimum = std::min(minimum, s.watermark);
  }
  if (all_finished) {
    out.finished = true;
    out.watermark = max_event_time;
  } else if (!any_active) {
    out.idle = true;
    // An idle source still reports how far it got, for display.
    event_time furthest = min_event_time;
    for (const auto& s : slots_)
      if (s.assigned && !s.finished)
        furthest = std::max(furthest, s.watermark);
    out.watermark = furthest;
  } else {
    out.watermark = minimum;
  }
  return out;
}

watermark_combiner::watermark_combiner(size_t input_count)
  : inputs_(input_count) {
  // nop
}

void watermark_combiner::resize(size_t input_count) {
  inputs_.assign(input_count, source_progress{});
  current_ = min_event_time;
}

bool watermark_combiner::update(size_t input, const source_progress& progress) {
  inputs_[input] = progress;
  event_time minimum = max_event_time;
  bool any_active = false;
  for (const auto& in : inputs_) {
    if (in.finished || in.idle)
      continue;
    any_active = true;
    minimum = std::min(minimum, in.watermark);
  }
  if (!any_active) {
    if (!all_finished())
      return false; // everything idle: hold the watermark where it is
    minimum = max_event_time;
  }
  if (minimum > current_) {
    current_ = minimum;
    return true;
  }
  return false;
}

bool watermark_combiner::all_finished() const {
  return !inputs_.empty()
         && std::all_of(inputs_.begin(), inputs_.end(),
                        [](const source_progress& p) { return p.finished; });
}

} // namespace ubaflow
