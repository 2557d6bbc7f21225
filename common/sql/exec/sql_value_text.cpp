#include "common/sql/exec/sql_value_text.hpp"

#include "common/time/civil.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace ubaflow {

namespace {

void append_padded(std::string& out, int64_t value, int width) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (value < 0)
    out.push_back('-');
  if (static_cast<int>(digits.size()) < width)
    out.append(static_cast<size_t>(width) - digits.size(), '0');
  out += digits;
}

/// Reads exactly `count` digits at `pos`.
bool read_digits(std::string_view text, size_t& pos, size_t count, int64_t& value) {
  if (pos + count > text.size())
    return false;
  value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

} // namespace

std::string_view trim_sql_text(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::string format_sql_timestamp(int64_t local_ms, uint32_t precision) {
  const civil_fields f = to_civil(local_ms);
  std::string out;
  out.reserve(32);
  append_padded(out, f.year, 4);
  out.push_back('-');
  append_padded(out, f.month, 2);
  out.push_back('-');
  append_padded(out, f.day, 2);
  out.push_back(' ');
  append_padded(out, f.hour, 2);
  out.push_back(':');
  append_padded(out, f.minute, 2);
  out.push_back(':');
  append_padded(out, f.second, 2);
  if (precision > 0) {
    std::string fraction;
    append_padded(fraction, f.millis, 3);
    fraction.resize(std::max<size_t>(precision, 3), '0');
    out.push_back('.');
    out += fraction.substr(0, precision);
  }
  return out;
}

std::string format_sql_date(int64_t days) {
  return format_sql_timestamp(days * ms_per_day, 0).substr(0, 10);
}

std::optional<int64_t> parse_sql_date(std::string_view text) {
  text = trim_sql_text(text);
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0;
  if (!read_digits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-'
      || !read_digits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-'
      || !read_digits(text, pos, 2, day) || pos != text.size())
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1
      || day > days_in_month(year, static_cast<int>(month)))
    return std::nullopt;
  return days_from_civil(year, static_cast<int>(month), static_cast<int>(day));
}

std::optional<int64_t> parse_sql_timestamp(std::string_view text) {
  text = trim_sql_text(text);
  const auto days = parse_sql_date(text.substr(0, std::min<size_t>(text.size(), 10)));
  if (!days)
    return std::nullopt;
  int64_t result = *days * ms_per_day;
  if (text.size() == 10)
    return result;
  size_t pos = 10;
  if (text[pos] != ' ' && text[pos] != 'T')
    return std::nullopt;
  ++pos;
  int64_t hour = 0, minute = 0, second = 0, millis = 0;
  if (!read_digits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':'
      || !read_digits(text, pos, 2, minute))
    return std::nullopt;
  if (pos < text.size()) {
    if (text[pos++] != ':' || !read_digits(text, pos, 2, second))
      return std::nullopt;
    if (pos < text.size()) {
      if (text[pos++] != '.')
        return std::nullopt;
      const size_t digits = text.size() - pos;
      if (digits < 1 || digits > 9)
        return std::nullopt;
      int64_t fraction = 0;
      if (!read_digits(text, pos, digits, fraction))
        return std::nullopt;
      // Keep milliseconds: scale the fraction to 3 digits, truncating.
      for (size_t i = digits; i < 3; ++i)
        fraction *= 10;
      for (size_t i = 3; i < digits; ++i)
        fraction /= 10;
      millis = fraction;
    }
  }
  if (hour > 23 || minute > 59 || second > 59)
    return std::nullopt;
  return result + hour * ms_per_hour + minute * ms_per_minute + second * ms_per_second
         + millis;
}

std::string format_java_double(double value, bool is_float) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0)
    return std::signbit(value) ? "-0.0" : "0.0";
  // The shortest digits that read back as the same float or double.
  char buffer[64];
  int digits = 1;
  for (; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*e", digits - 1, value);
    if (is_float ? std::strtof(buffer, nullptr) == static_cast<float>(value)
                 : std::strtod(buffer, nullptr) == value)
      break;
  }
  // buffer: [-]d.ddde[+-]xx. Split into sign, digits and exponent.
  std::string text = buffer;
  const bool negative = text[0] == '-';
  if (negative)
    text.erase(0, 1);
  const size_t e = text.find('e');
  const int exponent = std::atoi(text.c_str() + e + 1);
  std::string mantissa = text.substr(0, e);
  mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
  while (mantissa.size() > 1 && mantissa.back() == '0')
    mantissa.pop_back();
  std::string out = negative ? "-" : "";
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    // Plain notation, at least one digit after the point.
    if (exponent >= 0) {
      std::string whole = mantissa.substr(0, std::min<size_t>(mantissa.size(),
                                                              exponent + 1));
      whole.append(static_cast<size_t>(exponent + 1) - whole.size(), '0');
      std::string fraction = mantissa.size() > static_cast<size_t>(exponent + 1)
                               ? mantissa.substr(exponent + 1)
                               : "0";
      out += whole + "." + fraction;
    } else {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + mantissa;
    }
    return out;
  }
  out += mantissa.substr(0, 1) + "." + (mantissa.size() > 1 ? mantissa.substr(1) : "0");
  return out + "E" + std::to_string(exponent);
}

std::optional<int64_t> parse_sql_integer(std::string_view text) {
  text = trim_sql_text(text);
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-'))
    negative = text[pos++] == '-';
  if (pos == text.size())
    return std::nullopt;
  // Accumulate negatively so that int64's minimum parses too.
  int64_t value = 0;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c < '0' || c > '9')
      return std::nullopt;
    if (value < (std::numeric_limits<int64_t>::min() + (c - '0')) / 10)
      return std::nullopt;
    value = value * 10 - (c - '0');
  }
  if (!negative) {
    if (value == std::numeric_limits<int64_t>::min())
      return std::nullopt;
    value = -value;
  }
  return value;
}

std::optional<double> parse_sql_double(std::string_view text) {
  text = trim_sql_text(text);
  if (text == "NaN")
    return std::nan("");
  if (text == "Infinity" || text == "+Infinity")
    return std::numeric_limits<double>::infinity();
  if (text == "-Infinity")
    return -std::numeric_limits<double>::infinity();
  if (text.empty() || text.size() > 400)
    return std::nullopt;
  // strtod would also take "inf", "nan" and hex: only decimal forms pass.
  for (char c : text)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+'
          || c == 'e' || c == 'E'))
      return std::nullopt;
  const std::string copy{text};
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size())
    return std::nullopt;
  return value;
}

std::optional<bool> parse_sql_boolean(std::string_view text) {
  text = trim_sql_text(text);
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "true" || lower == "t" || lower == "yes" || lower == "y" || lower == "1")
    return true;
  if (lower == "false" || lower == "f" || lower == "no" || lower == "n" || lower == "0")
    return false;
  return std::nullopt;
}

} // namespace ubaflow
