#include "common/sql/exec/sql_date_format.hpp"

#include "common/time/civil.hpp"

namespace ubaflow {

namespace {

constexpr const char* month_names[] = {"January", "February", "March",     "April",
                                       "May",     "June",     "July",      "August",
                                       "September", "October", "November", "December"};

void append_number(std::string& out, int64_t value, size_t width) {
  const bool negative = value < 0;
  std::string digits = std::to_string(negative ? -value : value);
  if (negative)
    out.push_back('-');
  if (digits.size() < width)
    out.append(width - digits.size(), '0');
  out += digits;
}

void append_field(std::string& out, const civil_fields& f, char letter, size_t count) {
  switch (letter) {
    case 'y':
      if (count == 2)
        append_number(out, ((f.year % 100) + 100) % 100, 2);
      else
        append_number(out, f.year, count);
      return;
    case 'M':
      if (count >= 4)
        out += month_names[f.month - 1];
      else if (count == 3)
        out += std::string{month_names[f.month - 1]}.substr(0, 3);
      else
        append_number(out, f.month, count);
      return;
    case 'd': append_number(out, f.day, count); return;
    case 'H': append_number(out, f.hour, count); return;
    case 'm': append_number(out, f.minute, count); return;
    case 's': append_number(out, f.second, count); return;
    default: { // 'S': the fraction's leading digits, zeros past millis
      std::string fraction;
      append_number(fraction, f.millis, 3);
      fraction.resize(std::max<size_t>(count, 3), '0');
      out += fraction.substr(0, count);
      return;
    }
  }
}

} // namespace

std::string format_date_pattern(int64_t local_ms, std::string_view pattern) {
  const civil_fields f = to_civil(local_ms);
  std::string out;
  out.reserve(pattern.size() + 8);
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '\'') {
      // '' is a quote; otherwise copy up to the closing quote.
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        out.push_back('\'');
        i += 2;
        continue;
      }
      ++i;
      while (i < pattern.size()) {
        if (pattern[i] == '\'') {
          if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
            out.push_back('\'');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        out.push_back(pattern[i++]);
      }
      continue;
    }
    if (std::string_view{"yMdHmsS"}.find(c) == std::string_view::npos) {
      out.push_back(c);
      ++i;
      continue;
    }
    size_t count = 1;
    while (i + count < pattern.size() && pattern[i + count] == c)
      ++count;
    // A run longer than any field needs is padded, never unbounded: the
    // pattern is a literal of the script, so its length is the bound.
    append_field(out, f, c, count);
    i += count;
  }
  return out;
}

int64_t extract_field(int64_t local_ms, time_unit unit) {
  const civil_fields f = to_civil(local_ms);
  switch (unit) {
    case time_unit::second: return f.second;
    case time_unit::minute: return f.minute;
    case time_unit::hour: return f.hour;
    case time_unit::day: return f.day;
    case time_unit::month: return f.month;
    case time_unit::year: return f.year;
  }
  return 0;
}

} // namespace ubaflow
