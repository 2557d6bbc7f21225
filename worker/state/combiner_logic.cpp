#include "worker/state/combiner_logic.hpp"

#include <algorithm>

namespace ubaflow {

void key_group_progress::update(key_group_range range, event_time watermark,
                                bool final) {
  for (key_group g = range.first; g < range.last && g < progress_.size(); ++g) {
    progress_[g] = std::max(progress_[g], watermark);
    final_[g] = final_[g] || final;
  }
}

event_time key_group_progress::watermark() const {
  if (progress_.empty())
    return min_event_time;
  event_time minimum = max_event_time;
  for (size_t g = 0; g < progress_.size(); ++g)
    minimum = std::min(minimum, final_[g] ? max_event_time : progress_[g]);
  return minimum;
}

bool key_group_progress::finished() const {
  return std::all_of(final_.begin(), final_.end(), [](bool f) { return f; });
}

void key_group_progress::save(combiner_snapshot& s) const {
  s.progress = progress_;
  s.final.assign(final_.begin(), final_.end());
}

bool key_group_progress::load(const combiner_snapshot& s) {
  if (s.progress.size() != progress_.size()
      || s.final.size() != progress_.size())
    return false;
  progress_ = s.progress;
  final_.assign(s.final.begin(), s.final.end());
  return true;
}

} // namespace ubaflow
