#include "worker/exchange/barrier_aligner.hpp"

#include <algorithm>

namespace ubaflow {

bool barrier_aligner::on_barrier(size_t input, uint64_t id) {
  if (input >= seen_.size() || id == 0 || id <= done_)
    return false;
  if (aligning_ != 0 && id < aligning_)
    return false;
  if (id > aligning_) {
    clear();
    aligning_ = id;
  }
  if (!seen_[input]) {
    seen_[input] = true;
    ++seen_count_;
  }
  if (seen_count_ < seen_.size())
    return false;
  done_ = aligning_;
  clear();
  return true;
}

void barrier_aligner::abandon(uint64_t id) {
  if (id == 0 || id <= done_ || (aligning_ != 0 && id < aligning_))
    return;
  clear();
  done_ = id;
}

void barrier_aligner::clear() {
  std::fill(seen_.begin(), seen_.end(), false);
  seen_count_ = 0;
  aligning_ = 0;
}

} // namespace ubaflow
