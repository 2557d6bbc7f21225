#include "worker/parse/timestamp_parser.hpp"

#include "common/util/clock.hpp"

#include "common/time/civil.hpp"
#include "worker/parse/json_reader.hpp"

#include <cstring>

namespace ubaflow {

namespace {

constexpr parse_status invalid{reject_reason::invalid_timestamp, "field 'ts'"};

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
constexpr int64_t earliest_utc_ms = -62135596800000;
constexpr int64_t latest_utc_ms = 253402300799999;
constexpr int64_t seconds_magnitude_limit = 100'000'000'000;

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

inline int two_digits(const char* p) {
  return (p[0] - '0') * 10 + (p[1] - '0');
}

/// Parses [-]digits[.digits] as epoch seconds or millis (by magnitude) into
/// UTC millis. Returns false for anything else.
bool parse_epoch(std::string_view text, int64_t& utc_ms) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  const size_t digits_begin = i;
  int64_t whole = 0;
  while (i < text.size() && is_digit(text[i])) {
    if (whole > 1'000'000'000'000'000)
      return false; // far beyond any representable date
    whole = whole * 10 + (text[i] - '0');
    ++i;
  }
  if (i == digits_begin)
    return false;
  int64_t fraction_ms = 0;
  bool has_fraction = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const size_t fraction_begin = i;
    int64_t scale = 100;
    while (i < text.size() && is_digit(text[i])) {
      fraction_ms += (text[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == fraction_begin)
      return false;
    has_fraction = true;
  }
  if (i != text.size())
    return false;
  if (whole < seconds_magnitude_limit) {
    utc_ms = whole * ms_per_second + fraction_ms;
  } else {
    if (has_fraction)
      fraction_ms /= 1000; // fraction of a millisecond: truncated
    utc_ms = whole;
  }
  if (negative)
    utc_ms = -utc_ms;
  return true;
}

/// Parses a JSON number's text as an epoch value; accepts an exponent as
/// long as the result is integral seconds or millis ("1.5114e9").
bool parse_json_epoch(std::string_view number, int64_t& utc_ms) {
  if (number.find_first_of("eE") == std::string_view::npos)
    return parse_epoch(number, utc_ms);
  double value = 0;
  try {
    value = std::stod(std::string{number});
  } catch (const std::exception&) {
    return false;
  }
  if (!(value > -1e15 && value < 1e15))
    return false;
  const double magnitude = value < 0 ? -value : value;
  utc_ms = magnitude < seconds_magnitude_limit
             ? static_cast<int64_t>(value * 1000)
             : static_cast<int64_t>(value);
  return true;
}

} // namespace

timestamp_parser::timestamp_parser(timestamp_policy policy)
  : policy_(std::move(policy)) {
  set_wall_clock(wall_now_ms());
}

void timestamp_parser::set_wall_clock(int64_t utc_ms) {
  if (policy_.max_future_ms <= 0)
    return;
  future_limit_ = policy_.zone.to_local(utc_ms + policy_.max_future_ms);
}

parse_status timestamp_parser::in_range(event_time local,
                                        event_time& out) const {
  if (local < policy_.valid_from || local > policy_.valid_until)
    return {reject_reason::timestamp_out_of_range, "field 'ts'"};
  if (local > future_limit_)
    return {reject_reason::timestamp_in_future, "field 'ts'"};
  out = local;
  return {};
}

parse_status timestamp_parser::from_utc_ms(int64_t utc_ms, event_time& out) {
  if (utc_ms < earliest_utc_ms || utc_ms > latest_utc_ms)
    return invalid;
  return in_range(policy_.zone.to_local(utc_ms), out);
}

parse_status timestamp_parser::parse_number(std::string_view number,
                                            event_time& out) {
  int64_t utc_ms = 0;
  if (!parse_json_epoch(number, utc_ms))
    return invalid;
  return from_utc_ms(utc_ms, out);
}

parse_status timestamp_parser::parse_text(std::string_view text,
                                          event_time& out) {
  const char* s = text.data();
  const size_t n = text.size();
  // Records of a stream share their date and mostly their minute: when the
  // text starts with the last full parse's "yyyy-MM-dd HH:mm" (all 16
  // bytes, so it passed the same checks), that minute is reused and only
  // the seconds are read.
  civil_fields f;
  event_time minute_ms = 0;
  if (n >= 19 && has_minute_
      && json_reader::same_bytes(s, minute_text_, sizeof minute_text_)) {
    if (s[16] != ':' || !is_digit(s[17]) || !is_digit(s[18]))
      return invalid;
    minute_ms = minute_ms_;
  } else {
    // Shape: yyyy-MM-dd[ T]HH:mm:ss, then optional fraction and zone.
    if (n < 19 || s[4] != '-' || s[7] != '-'
        || (s[10] != ' ' && s[10] != 'T' && s[10] != 't') || s[13] != ':'
        || s[16] != ':') {
      int64_t utc_ms = 0;
      if (parse_epoch(text, utc_ms))
        return from_utc_ms(utc_ms, out);
      return invalid;
    }
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
      if (!is_digit(s[i]))
        return invalid;
    f.year = two_digits(s) * 100 + two_digits(s + 2);
    f.month = two_digits(s + 5);
    f.day = two_digits(s + 8);
    f.hour = two_digits(s + 11);
    f.minute = two_digits(s + 14);
    if (f.year < 1 || f.month < 1 || f.month > 12 || f.day < 1
        || f.day > days_in_month(f.year, f.month) || f.hour > 23
        || f.minute > 59)
      return invalid;
    minute_ms = days_from_civil(f.year, f.month, f.day) * ms_per_day
                + f.hour * ms_per_hour + f.minute * ms_per_minute;
    std::memcpy(minute_text_, s, sizeof minute_text_);
    minute_ms_ = minute_ms;
    has_minute_ = true;
  }
  f.second = two_digits(s + 17);
  if (f.second > 59)
    return invalid;

  size_t i = 19;
  if (i < n && s[i] == '.') {
    ++i;
    const size_t fraction_begin = i;
    int scale = 100;
    while (i < n && is_digit(s[i])) {
      if (i - fraction_begin < 3)
        f.millis += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == fraction_begin || i - fraction_begin > 9)
      return invalid;
  }
  const event_time wall_clock = minute_ms + f.second * ms_per_second + f.millis;
  if (i == n)
    return in_range(wall_clock, out);

  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n)
    return policy_.z_as_local ? in_range(wall_clock, out)
                              : from_utc_ms(wall_clock, out);

  if (s[i] != '+' && s[i] != '-')
    return invalid;
  const bool negative = s[i] == '-';
  ++i;
  // ±HH, ±HHMM or ±HH:MM
  const size_t rest = n - i;
  int hours = 0;
  int minutes = 0;
  if (rest == 2 && is_digit(s[i]) && is_digit(s[i + 1])) {
    hours = two_digits(s + i);
  } else if (rest == 4 && is_digit(s[i]) && is_digit(s[i + 1])
             && is_digit(s[i + 2]) && is_digit(s[i + 3])) {
    hours = two_digits(s + i);
    minutes = two_digits(s + i + 2);
  } else if (rest == 5 && is_digit(s[i]) && is_digit(s[i + 1])
             && s[i + 2] == ':' && is_digit(s[i + 3]) && is_digit(s[i + 4])) {
    hours = two_digits(s + i);
    minutes = two_digits(s + i + 3);
  } else {
    return invalid;
  }
  if (hours > 18 || minutes > 59)
    return invalid;
  int64_t offset_ms = hours * ms_per_hour + minutes * ms_per_minute;
  if (negative)
    offset_ms = -offset_ms;
  return from_utc_ms(wall_clock - offset_ms, out);
}

} // namespace ubaflow
