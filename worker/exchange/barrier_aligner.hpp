#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ubaflow {

/// Barrier alignment of one task with several input channels (Flink's
/// aligned checkpoints): once an input has delivered the barrier of
/// checkpoint n, its later messages must wait until every input has
/// delivered it, so that the task's snapshot holds exactly what came
/// before the barrier on every channel. The task stashes what blocked()
/// holds back and replays it, in arrival order, after alignment.
class barrier_aligner {
public:
  explicit barrier_aligner(size_t inputs) : seen_(inputs, false) {}

  /// Messages from `input` must wait: it is past the current barrier.
  bool blocked(size_t input) const {
    return input < seen_.size() && seen_[input];
  }

  /// Input `input` delivered the barrier of checkpoint `id`. Returns true
  /// when that completes the alignment (the task takes its snapshot now;
  /// nothing is blocked afterwards). A barrier older than the one being
  /// aligned cannot happen on ordered channels and is ignored; a newer one
  /// abandons the old alignment (that checkpoint was given up upstream).
  bool on_barrier(size_t input, uint64_t id);

  /// Gives checkpoint `id` up here (this task declined it: a batch
  /// carrying its barrier was refused): nothing stays blocked for it, and
  /// its barriers still to come are ignored.
  void abandon(uint64_t id);

  /// The checkpoint being aligned, 0 if none.
  uint64_t aligning() const { return aligning_; }
  size_t inputs() const { return seen_.size(); }

private:
  /// No input seen, no checkpoint being aligned.
  void clear();

  std::vector<bool> seen_;
  size_t seen_count_ = 0;
  uint64_t aligning_ = 0;
  uint64_t done_ = 0; ///< the last one aligned or abandoned
};

} // namespace ubaflow
