#pragma once

#include "common/time/event_time.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace ubaflow {

/// The four Taobao behaviours of the seed's schema.
enum class behavior : uint8_t { pv, buy, cart, fav };

constexpr int behavior_count = 4;

const char* to_string(behavior kind);
std::optional<behavior> behavior_from_string(std::string_view text);

/// One validated user-behaviour record (the seed's `user_behavior` table).
struct user_event {
  int64_t user_id = 0;
  int64_t item_id = 0;
  int64_t category_id = 0;
  event_time ts = 0; ///< local millis in the job's time zone
  behavior kind = behavior::pv;
};

} // namespace ubaflow
