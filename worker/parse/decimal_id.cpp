#include "worker/parse/decimal_id.hpp"

#include "worker/parse/json_reader.hpp"

#include <cstdint>

namespace ubaflow {

bool parse_decimal_id(std::string_view text, int64_t& out) {
  const char* p = text.data();
  const char* end = p + text.size();
  // Fast path: plain digits, at most 18 of them (cannot overflow).
  if (end - p > 0 && end - p <= 18) {
    uint64_t value = 0;
    const char* q = p;
    while (q < end && static_cast<unsigned>(*q - '0') < 10)
      value = value * 10 + static_cast<unsigned>(*q++ - '0');
    if (q == end) {
      out = static_cast<int64_t>(value);
      return true;
    }
  }
  while (p < end && *p == ' ')
    ++p;
  while (end > p && end[-1] == ' ')
    --end;
  bool negative = false;
  if (p < end && (*p == '-' || *p == '+')) {
    negative = *p == '-';
    ++p;
  }
  if (p == end)
    return false;
  uint64_t value = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (; p < end; ++p) {
    if (!json_reader::is_digit(*p))
      return false;
    const uint64_t digit = static_cast<uint64_t>(*p - '0');
    if (value > (limit - digit) / 10)
      return false;
    value = value * 10 + digit;
  }
  out = negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return true;
}

} // namespace ubaflow
