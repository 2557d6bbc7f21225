#include "tools/datagen/synthetic_events.hpp"

#include "common/time/civil.hpp"
#include "common/util/hash.hpp"
#include "tools/datagen/categories.hpp"

#include <cmath>

namespace ubaflow {

namespace {

// Relative activity per hour of day (Beijing time): lowest in the early
// morning, highest in the evening.
constexpr double hourly_activity[24] = {
  0.55, 0.35, 0.22, 0.15, 0.12, 0.13, 0.20, 0.35, 0.50, 0.60, 0.68, 0.70,
  0.68, 0.70, 0.72, 0.72, 0.70, 0.70, 0.75, 0.85, 0.95, 1.00, 0.92, 0.75,
};

constexpr int64_t max_item_id = 5163070;
constexpr double weekend_factor = 1.3;

/// A rank in [0, n) with probability falling like 1/rank (log-uniform).
int64_t skewed_rank(double u, int64_t n) {
  const double r = std::exp(u * std::log(static_cast<double>(n) + 1.0)) - 1.0;
  return std::min<int64_t>(n - 1, static_cast<int64_t>(r));
}

/// Spreads rank r over [1, space] without collisions (affine bijection).
int64_t spread(int64_t rank, int64_t space, uint64_t salt) {
  const uint64_t a = 2'654'435'761ULL; // odd, and prime
  const uint64_t s = static_cast<uint64_t>(space);
  return 1 + static_cast<int64_t>((static_cast<uint64_t>(rank) * a + salt) % s);
}

} // namespace

double diurnal_weight(double hour) {
  const int h = static_cast<int>(hour) % 24;
  const double frac = hour - std::floor(hour);
  return hourly_activity[h] * (1 - frac) + hourly_activity[(h + 1) % 24] * frac;
}

synthetic_events::synthetic_events(synthetic_settings settings)
  : settings_(settings), rng_(settings.seed) {
  const size_t minutes = static_cast<size_t>(settings_.days) * 24 * 60;
  minute_weight_cumulative_.resize(minutes);
  double total = 0;
  for (size_t m = 0; m < minutes; ++m) {
    const event_time t = settings_.first_day
                         + static_cast<int64_t>(m) * ms_per_minute;
    const auto f = to_civil(t);
    const int64_t days = floor_div(t, ms_per_day);
    const int weekday = static_cast<int>((days % 7 + 7 + 4) % 7); // 0 = Sunday
    const double day_factor = (weekday == 0 || weekday == 6) ? weekend_factor
                                                             : 1.0;
    total += day_factor * diurnal_weight(f.hour + f.minute / 60.0);
    minute_weight_cumulative_[m] = total;
  }
  for (auto& w : minute_weight_cumulative_)
    w /= total;
  plan_minute();
}

void synthetic_events::plan_minute() {
  // Events of minute m: the rounded share of the cumulative expectation, so
  // that the total is exactly `events`.
  while (minute_ < minute_weight_cumulative_.size()) {
    const double expected_after = std::round(
      minute_weight_cumulative_[minute_] * static_cast<double>(settings_.events));
    minute_count_ = static_cast<uint64_t>(expected_after - expected_before_);
    expected_before_ = expected_after;
    minute_index_ = 0;
    if (minute_count_ > 0)
      return;
    ++minute_;
  }
}

bool synthetic_events::next(user_event& out) {
  if (produced_ >= settings_.events
      || minute_ >= minute_weight_cumulative_.size())
    return false;
  const event_time minute_start = settings_.first_day
                                  + static_cast<int64_t>(minute_)
                                      * ms_per_minute;
  // Spread the minute's events evenly, in order, on whole seconds.
  const int64_t second = static_cast<int64_t>(
    60.0 * (static_cast<double>(minute_index_) + unit_(rng_))
    / static_cast<double>(minute_count_));
  out.ts = minute_start + std::min<int64_t>(59, second) * ms_per_second;

  const double b = unit_(rng_);
  out.kind = b < 0.896   ? behavior::pv
             : b < 0.951 ? behavior::cart
             : b < 0.980 ? behavior::fav
                         : behavior::buy;

  const int64_t user_rank = unit_(rng_) < 0.7
                              ? static_cast<int64_t>(unit_(rng_)
                                                     * settings_.users)
                              : skewed_rank(unit_(rng_), settings_.users);
  out.user_id = spread(user_rank, settings_.users, 7);

  const int64_t item_rank = skewed_rank(unit_(rng_), settings_.items);
  out.item_id = spread(item_rank, max_item_id, 11);
  const auto& categories = category_universe::instance().ids();
  // An item's category is fixed; popular categories hold many items.
  const double item_u = static_cast<double>(mix64(static_cast<uint64_t>(
                          out.item_id))
                                            >> 11)
                        / static_cast<double>(1ULL << 53);
  out.category_id = categories[static_cast<size_t>(
    skewed_rank(item_u, static_cast<int64_t>(categories.size())))];

  ++produced_;
  if (++minute_index_ >= minute_count_) {
    ++minute_;
    plan_minute();
  }
  return true;
}

} // namespace ubaflow
