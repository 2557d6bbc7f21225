#include "worker/source/memory_reader.hpp"

namespace ubaflow {

memory_reader::memory_reader(std::vector<std::vector<std::string_view>> slots)
  : slots_(std::move(slots)),
    next_(slots_.size(), 0),
    finished_(slots_.size(), false) {
  for (size_t i = 0; i < slots_.size(); ++i)
    ids_.push_back(static_cast<int32_t>(i));
}

bool memory_reader::read(record_batch& out, size_t max, int) {
  out.clear();
  // Round-robin over the slots, one batch from one slot per read, like a
  // consumer fetching from one partition at a time.
  for (size_t tries = 0; tries < slots_.size(); ++tries) {
    const size_t slot = current_;
    current_ = (current_ + 1) % slots_.size();
    if (finished_[slot])
      continue;
    auto& records = slots_[slot];
    size_t& next = next_[slot];
    const size_t end = std::min(records.size(), next + max);
    for (; next < end; ++next)
      out.records.push_back({records[next], static_cast<uint32_t>(slot),
                             static_cast<int64_t>(next)});
    if (next == records.size()) {
      finished_[slot] = true;
      out.finished_slots.push_back(static_cast<uint32_t>(slot));
    }
    return true;
  }
  return true;
}

std::vector<partition_position> memory_reader::positions() {
  std::vector<partition_position> out;
  for (size_t i = 0; i < slots_.size(); ++i)
    out.push_back({static_cast<int32_t>(i), static_cast<int64_t>(next_[i]),
                   static_cast<int64_t>(slots_[i].size()), finished_[i]});
  return out;
}

} // namespace ubaflow
