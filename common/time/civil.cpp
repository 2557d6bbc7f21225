#include "common/time/civil.hpp"

#include <cstdio>

namespace ubaflow {

int64_t days_from_civil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = floor_div(year, 400);
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5
                              + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4
                             - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

int days_in_month(int64_t year, int month) {
  static constexpr int lengths[] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return lengths[month - 1];
}

civil_fields to_civil(event_time t) {
  civil_fields f;
  int64_t days = floor_div(t, ms_per_day);
  int64_t rest = t - days * ms_per_day;
  f.hour = static_cast<int>(rest / ms_per_hour);
  rest %= ms_per_hour;
  f.minute = static_cast<int>(rest / ms_per_minute);
  rest %= ms_per_minute;
  f.second = static_cast<int>(rest / ms_per_second);
  f.millis = static_cast<int>(rest % ms_per_second);

  days += 719468;
  const int64_t era = floor_div(days, 146097);
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era = (day_of_era - day_of_era / 1460
                               + day_of_era / 36524 - day_of_era / 146096)
                              / 365;
  const int64_t day_of_year = day_of_era
                              - (365 * year_of_era + year_of_era / 4
                                 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  f.day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  f.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  f.year = year_of_era + era * 400 + (f.month <= 2);
  return f;
}

event_time from_civil(const civil_fields& f) {
  return days_from_civil(f.year, f.month, f.day) * ms_per_day
         + f.hour * ms_per_hour + f.minute * ms_per_minute
         + f.second * ms_per_second + f.millis;
}

namespace {

void write_digits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

} // namespace

void write_sql_time(event_time t, char* out) {
  const civil_fields f = to_civil(t);
  write_digits(out, f.year, 4);
  out[4] = '-';
  write_digits(out + 5, f.month, 2);
  out[7] = '-';
  write_digits(out + 8, f.day, 2);
  out[10] = ' ';
  write_digits(out + 11, f.hour, 2);
  out[13] = ':';
  write_digits(out + 14, f.minute, 2);
  out[16] = ':';
  write_digits(out + 17, f.second, 2);
}

std::string format_sql_time(event_time t) {
  std::string out(19, ' ');
  write_sql_time(t, out.data());
  return out;
}

std::string format_date(event_time t) {
  return format_sql_time(t).substr(0, 10);
}

std::string format_iso_local(event_time t) {
  std::string out = format_sql_time(t);
  out[10] = 'T';
  return out;
}

std::string format_iso_with_offset(event_time local, int64_t offset_ms) {
  std::string out = format_iso_local(local);
  const int64_t minutes = (offset_ms < 0 ? -offset_ms : offset_ms)
                          / ms_per_minute;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%c%02d:%02d", offset_ms < 0 ? '-' : '+',
                static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return out + suffix;
}

} // namespace ubaflow
