#pragma once

#include "common/time/event_time.hpp"
#include "tools/datagen/user_event.hpp"

#include <cstdint>
#include <random>
#include <vector>

namespace ubaflow {

/// Shape of the synthetic stream; the defaults follow the Tianchi
/// UserBehavior dataset (docs/datagen.md has the figures and sources).
struct synthetic_settings {
  event_time first_day = 0; ///< local midnight of the first day
  int days = 9;
  uint64_t events = 1'000'000; ///< over all days
  int64_t users = 987'994;
  int64_t items = 4'162'024;
  uint64_t seed = 1;
};

/// Generates user-behaviour events in event-time order: a day/night curve
/// (trough around 04:00, peak 20:00–22:00), weekends about 30 % busier, the
/// dataset's behaviour mix (pv 89.6 %, cart 5.5 %, fav 2.9 %, buy 2.0 %),
/// skewed item popularity (log-uniform ranks), each item in a fixed
/// sub-category of the category universe, and users drawn mostly uniformly
/// with a heavy-user share. Timestamps have whole-second resolution, like
/// the dataset. Deterministic for a seed.
class synthetic_events {
public:
  explicit synthetic_events(synthetic_settings settings);

  /// Next event in time order; false once `events` were produced.
  bool next(user_event& out);

  uint64_t produced() const { return produced_; }

private:
  void plan_minute();

  synthetic_settings settings_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  std::vector<double> minute_weight_cumulative_; ///< over all minutes
  size_t minute_ = 0;
  uint64_t minute_count_ = 0;
  uint64_t minute_index_ = 0;
  uint64_t produced_ = 0;
  double expected_before_ = 0;
};

/// Hour-of-day activity (relative, peak 1.0) used by the generator.
double diurnal_weight(double hour_of_day);

} // namespace ubaflow
