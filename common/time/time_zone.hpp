#pragma once

#include "common/time/event_time.hpp"

#include <absl/time/time.h>

#include <optional>
#include <string>
#include <string_view>

namespace ubaflow {

/// The job's time zone: converts UTC instants to local millis and back.
///
/// Copies are cheap and independent; each copy keeps a small cache of the
/// last hour's offset, so a copy must not be shared between threads (give
/// every parser or sink its own).
class time_zone {
public:
  /// Loads an IANA zone ("Asia/Shanghai"), "UTC", or a fixed offset such as
  /// "+08:00". On failure returns nothing and describes why in `error`.
  static std::optional<time_zone> load(std::string_view name,
                                       std::string* error = nullptr);

  static time_zone utc();

  const std::string& name() const { return name_; }

  /// UTC offset in milliseconds in force at a UTC instant.
  int64_t offset_at_instant(int64_t utc_ms) const;

  /// Local millis of a UTC instant.
  event_time to_local(int64_t utc_ms) const {
    return utc_ms + offset_at_instant(utc_ms);
  }

  /// UTC offset in force at a local time. For a wall-clock time repeated by
  /// a daylight-saving change the later offset wins, for a skipped one the
  /// earlier; neither occurs in the default Asia/Shanghai.
  int64_t offset_at_local(event_time local) const;

  int64_t to_instant(event_time local) const {
    return local - offset_at_local(local);
  }

private:
  time_zone(absl::TimeZone zone, std::string name);

  int64_t compute_offset(int64_t utc_ms) const;

  absl::TimeZone zone_;
  std::string name_;
  mutable int64_t cached_hour_ = min_event_time;
  mutable int64_t cached_offset_ = 0;
};

} // namespace ubaflow
