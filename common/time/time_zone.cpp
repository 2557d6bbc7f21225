#include "common/time/time_zone.hpp"

#include <cctype>

namespace ubaflow {

namespace {

/// Parses "+HH:MM", "-HH:MM", "+HHMM" or "+HH" into seconds east of UTC.
std::optional<int> parse_fixed_offset(std::string_view text) {
  if (text.size() < 3 || (text[0] != '+' && text[0] != '-'))
    return std::nullopt;
  std::string digits;
  for (char c : text.substr(1)) {
    if (c == ':')
      continue;
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
    digits.push_back(c);
  }
  if (digits.size() != 2 && digits.size() != 4)
    return std::nullopt;
  const int hours = std::stoi(digits.substr(0, 2));
  const int minutes = digits.size() == 4 ? std::stoi(digits.substr(2)) : 0;
  if (hours > 18 || minutes > 59)
    return std::nullopt;
  const int seconds = hours * 3600 + minutes * 60;
  return text[0] == '-' ? -seconds : seconds;
}

} // namespace

time_zone::time_zone(absl::TimeZone zone, std::string name)
  : zone_(zone), name_(std::move(name)) {
  // nop
}

std::optional<time_zone> time_zone::load(std::string_view name,
                                         std::string* error) {
  if (name == "UTC" || name == "Z")
    return utc();
  if (auto seconds = parse_fixed_offset(name))
    return time_zone{absl::FixedTimeZone(*seconds), std::string{name}};
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string{name}, &zone)) {
    if (error)
      *error = "unknown time zone '" + std::string{name}
               + "' (use an IANA name such as Asia/Shanghai, UTC, or an "
                 "offset such as +08:00; is the tzdata package installed?)";
    return std::nullopt;
  }
  return time_zone{zone, std::string{name}};
}

time_zone time_zone::utc() {
  return time_zone{absl::UTCTimeZone(), "UTC"};
}

int64_t time_zone::compute_offset(int64_t utc_ms) const {
  return int64_t{zone_.At(absl::FromUnixMillis(utc_ms)).offset}
         * ms_per_second;
}

int64_t time_zone::offset_at_instant(int64_t utc_ms) const {
  const int64_t hour = floor_div(utc_ms, ms_per_hour);
  if (hour == cached_hour_)
    return cached_offset_;
  const int64_t begin = hour * ms_per_hour;
  const int64_t offset = compute_offset(begin);
  // Cache the hour only if no transition happens inside it.
  if (compute_offset(begin + ms_per_hour - 1) == offset) {
    cached_hour_ = hour;
    cached_offset_ = offset;
    return offset;
  }
  return compute_offset(utc_ms);
}

int64_t time_zone::offset_at_local(event_time local) const {
  const int64_t guess = offset_at_instant(local);
  const int64_t refined = offset_at_instant(local - guess);
  if (refined == guess)
    return guess;
  const int64_t again = offset_at_instant(local - refined);
  return again == refined ? refined : std::max(guess, refined);
}

} // namespace ubaflow
