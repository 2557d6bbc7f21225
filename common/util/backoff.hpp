#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

namespace ubaflow {

/// Capped exponential backoff with "equal jitter": each delay is half the
/// exponential step plus a random share of the other half, so that many
/// clients retrying against the same server spread out.
class exponential_backoff {
public:
  exponential_backoff(int64_t initial_ms, int64_t max_ms, uint64_t seed = 0)
    : initial_ms_(std::max<int64_t>(1, initial_ms)),
      max_ms_(std::max(initial_ms_, max_ms)),
      rng_(seed ? seed : std::random_device{}()) {}

  /// Delay before the next attempt; grows until `max_ms`.
  int64_t next_delay_ms() {
    int64_t step = initial_ms_;
    for (uint32_t i = 0; i < attempts_ && step < max_ms_; ++i)
      step *= 2;
    step = std::min(step, max_ms_);
    ++attempts_;
    std::uniform_int_distribution<int64_t> jitter(0, step / 2);
    return step - step / 2 + jitter(rng_);
  }

  void reset() { attempts_ = 0; }
  uint32_t attempts() const { return attempts_; }

private:
  int64_t initial_ms_;
  int64_t max_ms_;
  uint32_t attempts_ = 0;
  std::mt19937_64 rng_;
};

} // namespace ubaflow
