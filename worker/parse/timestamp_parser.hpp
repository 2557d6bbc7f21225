#pragma once

#include "common/time/event_time.hpp"
#include "common/time/timestamp_policy.hpp"
#include "common/time/time_zone.hpp"
#include "common/protocol/reject_reason.hpp"

#include <string_view>

namespace ubaflow {

/// Parses every accepted timestamp shape into local millis:
///  - "yyyy-MM-dd HH:mm:ss[.f…]" and "yyyy-MM-ddTHH:mm:ss[.f…]", each with an
///    optional "Z", "±HH:MM", "±HHMM" or "±HH"; without a zone the text is
///    wall-clock time in the job zone; fractions beyond milliseconds are
///    truncated;
///  - epoch seconds or epoch milliseconds, as a number or numeric string:
///    a magnitude below 10^11 is read as seconds (10^11 s is the year 5138,
///    10^11 ms is March 1973), fractions of seconds are allowed.
/// Years outside 0001..9999 are invalid.
class timestamp_parser {
public:
  explicit timestamp_parser(timestamp_policy policy);

  /// A timestamp given as text (a JSON string's unescaped content or a CSV
  /// column). All-digit text is an epoch number.
  parse_status parse_text(std::string_view text, event_time& out);

  /// A timestamp given as a JSON number, in its textual JSON form.
  parse_status parse_number(std::string_view number, event_time& out);

  const timestamp_policy& policy() const { return policy_; }

  /// The wall clock (UTC millis) that max_future_ms counts from; the
  /// parser reads the system clock when it is made, and its owner moves
  /// it on now and then (a source task: once per batch).
  void set_wall_clock(int64_t utc_ms);

private:
  parse_status from_utc_ms(int64_t utc_ms, event_time& out);
  parse_status in_range(event_time local, event_time& out) const;

  timestamp_policy policy_;
  event_time future_limit_ = max_event_time; ///< local millis
  /// The last text parsed in full: its "yyyy-MM-dd HH:mm" and that
  /// minute's local millis (see parse_text).
  bool has_minute_ = false;
  char minute_text_[16] = {};
  event_time minute_ms_ = 0;
};

} // namespace ubaflow
