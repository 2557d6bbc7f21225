#pragma once

#include "common/time/event_time.hpp"

#include <string>
#include <string_view>

namespace ubaflow {

/// Broken-down calendar fields of an `event_time` (proleptic Gregorian).
struct civil_fields {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;   // 0..23
  int minute = 0; // 0..59
  int second = 0; // 0..59
  int millis = 0; // 0..999
};

/// Days since 1970-01-01 of a calendar date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t year, int month, int day);

/// Number of days in `month` of `year`.
int days_in_month(int64_t year, int month);

civil_fields to_civil(event_time t);
event_time from_civil(const civil_fields& f);

/// "yyyy-MM-dd HH:mm:ss", the shape of Flink's DATE_FORMAT and of the seed's
/// `time_str` field.
std::string format_sql_time(event_time t);

/// "yyyy-MM-dd".
std::string format_date(event_time t);

/// "yyyy-MM-ddTHH:mm:ss", used for document ids (no whitespace).
std::string format_iso_local(event_time t);

/// "yyyy-MM-ddTHH:mm:ss+08:00" for a local time and its UTC offset.
std::string format_iso_with_offset(event_time local, int64_t offset_ms);

/// Writes "yyyy-MM-dd HH:mm:ss" into `out` (19 bytes, no terminator); the
/// allocation-free variant for hot paths such as the data generator.
void write_sql_time(event_time t, char* out);

} // namespace ubaflow
