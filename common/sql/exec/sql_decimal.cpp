#include "common/sql/exec/sql_decimal.hpp"

#include <cctype>
#include <cmath>
#include <limits>

namespace ubaflow {

namespace {

// 128-bit intermediates: a GCC/Clang extension, marked so that -Wpedantic
// accepts it. 10^38 still fits, so any rescale of an int64 is exact.
__extension__ using int128 = __int128;

constexpr uint32_t max_power = 38;

int128 power_of_ten(uint32_t exponent) {
  int128 result = 1;
  for (uint32_t i = 0; i < exponent; ++i)
    result *= 10;
  return result;
}

int128 absolute(int128 v) {
  return v < 0 ? -v : v;
}

/// numerator / denominator rounded HALF_UP (away from zero at .5).
int128 divide_half_up(int128 numerator, int128 denominator) {
  int128 quotient = numerator / denominator;
  const int128 remainder = numerator % denominator;
  if (absolute(remainder) * 2 >= absolute(denominator))
    quotient += ((numerator < 0) != (denominator < 0)) ? -1 : 1;
  return quotient;
}

/// The value fits int64 and, with a precision, that many digits.
std::optional<int64_t> fitted(int128 value, uint32_t precision) {
  if (value > std::numeric_limits<int64_t>::max()
      || value < std::numeric_limits<int64_t>::min())
    return std::nullopt;
  if (precision > 0 && precision < 19 && absolute(value) >= power_of_ten(precision))
    return std::nullopt;
  return static_cast<int64_t>(value);
}

/// `value` (of scale `from`) at scale `to`, in 128 bits; nullopt if the
/// scale difference is beyond what 128 bits hold.
std::optional<int128> rescaled(int128 value, uint32_t from, uint32_t to) {
  if (to >= from) {
    const uint32_t shift = to - from;
    if (shift > max_power)
      return std::nullopt;
    const int128 factor = power_of_ten(shift);
    // |value| < 2^63 here, and factor <= 10^38 would overflow 128 bits for
    // large values: check before multiplying.
    if (value != 0 && absolute(value) > std::numeric_limits<int128>::max() / factor)
      return std::nullopt;
    return value * factor;
  }
  const uint32_t shift = from - to;
  if (shift > max_power)
    return int128{0};
  return divide_half_up(value, power_of_ten(shift));
}

} // namespace

std::optional<int64_t> decimal_rescale(sql_decimal value, uint32_t scale,
                                       uint32_t precision) {
  const auto v = rescaled(value.unscaled, value.scale, scale);
  return v ? fitted(*v, precision) : std::nullopt;
}

std::optional<int64_t> decimal_add(sql_decimal a, sql_decimal b, uint32_t scale,
                                   uint32_t precision) {
  const uint32_t common = std::max(a.scale, b.scale);
  const auto x = rescaled(a.unscaled, a.scale, common);
  const auto y = rescaled(b.unscaled, b.scale, common);
  if (!x || !y)
    return std::nullopt;
  const auto sum = rescaled(*x + *y, common, scale);
  return sum ? fitted(*sum, precision) : std::nullopt;
}

std::optional<int64_t> decimal_subtract(sql_decimal a, sql_decimal b,
                                        uint32_t scale, uint32_t precision) {
  if (b.unscaled == std::numeric_limits<int64_t>::min())
    return std::nullopt;
  return decimal_add(a, {-b.unscaled, b.scale}, scale, precision);
}

std::optional<int64_t> decimal_multiply(sql_decimal a, sql_decimal b,
                                        uint32_t scale, uint32_t precision) {
  // Two int64 factors always fit in 128 bits.
  const int128 product = int128{a.unscaled} * int128{b.unscaled};
  const auto v = rescaled(product, a.scale + b.scale, scale);
  return v ? fitted(*v, precision) : std::nullopt;
}

std::optional<int64_t> decimal_divide(sql_decimal a, sql_decimal b,
                                      uint32_t scale, uint32_t precision) {
  // a/b at `scale`: a * 10^(scale - a.scale + b.scale) / b, rounded.
  const int64_t shift = int64_t{scale} - a.scale + b.scale;
  int128 numerator = a.unscaled;
  int128 denominator = b.unscaled;
  if (shift >= 0) {
    const auto n = rescaled(numerator, 0, static_cast<uint32_t>(shift));
    if (!n)
      return std::nullopt;
    numerator = *n;
  } else {
    if (-shift > static_cast<int64_t>(max_power))
      return int64_t{0};
    const int128 factor = power_of_ten(static_cast<uint32_t>(-shift));
    if (absolute(denominator) > std::numeric_limits<int128>::max() / factor)
      return int64_t{0};
    denominator *= factor;
  }
  return fitted(divide_half_up(numerator, denominator), precision);
}

std::optional<int64_t> decimal_modulo(sql_decimal a, sql_decimal b,
                                      uint32_t scale, uint32_t precision) {
  // The remainder has the sign of the dividend, as BigDecimal.remainder.
  const uint32_t common = std::max(a.scale, b.scale);
  const auto x = rescaled(a.unscaled, a.scale, common);
  const auto y = rescaled(b.unscaled, b.scale, common);
  if (!x || !y)
    return std::nullopt;
  const auto v = rescaled(*x % *y, common, scale);
  return v ? fitted(*v, precision) : std::nullopt;
}

int64_t decimal_truncate(sql_decimal value) {
  if (value.scale > 18)
    return 0;
  return static_cast<int64_t>(int128{value.unscaled} / power_of_ten(value.scale));
}

double decimal_to_double(sql_decimal value) {
  return static_cast<double>(value.unscaled) / std::pow(10.0, value.scale);
}

std::optional<int64_t> decimal_from_double(double value, uint32_t scale,
                                           uint32_t precision) {
  if (!std::isfinite(value) || scale > max_power)
    return std::nullopt;
  const long double scaled = std::round(static_cast<long double>(value)
                                        * std::pow(10.0L, static_cast<int>(scale)));
  if (std::fabs(scaled) >= 9.2e18L)
    return std::nullopt;
  return fitted(static_cast<int128>(static_cast<int64_t>(scaled)), precision);
}

std::string decimal_to_string(sql_decimal value) {
  const bool negative = value.unscaled < 0;
  int128 magnitude = absolute(int128{value.unscaled});
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude > 0);
  if (value.scale > 0) {
    if (digits.size() <= value.scale)
      digits.insert(0, value.scale - digits.size() + 1, '0');
    digits.insert(digits.size() - value.scale, ".");
  }
  return negative ? "-" + digits : digits;
}

std::optional<int64_t> decimal_parse(std::string_view text, uint32_t scale,
                                     uint32_t precision, bool* invalid) {
  *invalid = true;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-'))
    negative = text[i++] == '-';
  // Digits are gathered into a 128-bit integer; beyond 38 significant
  // digits the value cannot fit anyway, so extra ones only count.
  int128 digits = 0;
  int64_t exponent = 0; // value = digits * 10^exponent
  size_t significant = 0;
  bool any_digit = false;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9')
      break;
    any_digit = true;
    if (significant < max_power) {
      digits = digits * 10 + (c - '0');
      if (digits != 0)
        ++significant;
      if (point)
        --exponent;
    } else if (!point) {
      ++exponent; // an integer digit beyond 38: overflow follows
    }
  }
  if (!any_digit)
    return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-'))
      exponent_negative = text[i++] == '-';
    int64_t e = 0;
    bool exponent_digit = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      exponent_digit = true;
      if (e < 100000)
        e = e * 10 + (text[i] - '0');
    }
    if (!exponent_digit)
      return std::nullopt;
    exponent += exponent_negative ? -e : e;
  }
  if (i != text.size())
    return std::nullopt;
  *invalid = false;
  if (negative)
    digits = -digits;
  // digits * 10^exponent at `scale`: shift by exponent + scale.
  const int64_t shift = exponent + int64_t{scale};
  if (shift > static_cast<int64_t>(max_power))
    return digits == 0 ? std::optional<int64_t>{0} : std::nullopt;
  std::optional<int128> v;
  if (shift >= 0)
    v = rescaled(digits, 0, static_cast<uint32_t>(shift));
  else
    v = rescaled(digits, static_cast<uint32_t>(std::min<int64_t>(-shift, 1000)), 0);
  return v ? fitted(*v, precision) : std::nullopt;
}

int decimal_compare(sql_decimal a, sql_decimal b) {
  const uint32_t common = std::max(a.scale, b.scale);
  const auto x = rescaled(a.unscaled, a.scale, common);
  const auto y = rescaled(b.unscaled, b.scale, common);
  if (x && y)
    return *x < *y ? -1 : *x > *y ? 1 : 0;
  // Only with scales far apart (beyond 38 digits): doubles decide.
  const double dx = decimal_to_double(a);
  const double dy = decimal_to_double(b);
  return dx < dy ? -1 : dx > dy ? 1 : 0;
}

} // namespace ubaflow
