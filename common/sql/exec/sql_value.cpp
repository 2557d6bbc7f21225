#include "common/sql/exec/sql_value.hpp"

#include "common/sql/exec/sql_decimal.hpp"
#include "common/sql/exec/sql_value_text.hpp"
#include "common/util/hash.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ubaflow {

const char* to_string(sql_value_kind kind) {
  switch (kind) {
    case sql_value_kind::null: return "NULL";
    case sql_value_kind::boolean: return "BOOLEAN";
    case sql_value_kind::bigint: return "BIGINT";
    case sql_value_kind::double_: return "DOUBLE";
    case sql_value_kind::decimal: return "DECIMAL";
    case sql_value_kind::string: return "STRING";
    case sql_value_kind::timestamp: return "TIMESTAMP";
    case sql_value_kind::timestamp_ltz: return "TIMESTAMP_LTZ";
    case sql_value_kind::date: return "DATE";
    case sql_value_kind::interval: return "INTERVAL";
  }
  return "?";
}

sql_value sql_value::decimal(int64_t unscaled, uint32_t scale) {
  sql_value v;
  v.kind_ = sql_value_kind::decimal;
  v.integer_ = unscaled;
  v.scale_ = static_cast<uint8_t>(std::min<uint32_t>(scale, 38));
  return v;
}

sql_value sql_value::string(std::string value) {
  sql_value v;
  v.kind_ = sql_value_kind::string;
  v.text_ = std::move(value);
  return v;
}

std::string sql_value::to_text() const {
  switch (kind_) {
    case sql_value_kind::null: return "NULL";
    case sql_value_kind::boolean: return integer_ ? "TRUE" : "FALSE";
    case sql_value_kind::bigint: return std::to_string(integer_);
    case sql_value_kind::double_: return format_java_double(real_, false);
    case sql_value_kind::decimal: return decimal_to_string({integer_, scale_});
    case sql_value_kind::string: return "'" + text_ + "'";
    case sql_value_kind::timestamp:
      return "TIMESTAMP '" + format_sql_timestamp(integer_, 3) + "'";
    case sql_value_kind::timestamp_ltz:
      return "TIMESTAMP_LTZ '" + format_sql_timestamp(integer_, 3) + "Z'";
    case sql_value_kind::date: return "DATE '" + format_sql_date(integer_) + "'";
    case sql_value_kind::interval: return "INTERVAL '" + std::to_string(integer_) + "' ms";
  }
  return "?";
}

namespace {

enum class family : uint8_t { null, boolean, number, string, time, date, interval, ltz };

family family_of(sql_value_kind kind) {
  switch (kind) {
    case sql_value_kind::null: return family::null;
    case sql_value_kind::boolean: return family::boolean;
    case sql_value_kind::bigint:
    case sql_value_kind::double_:
    case sql_value_kind::decimal: return family::number;
    case sql_value_kind::string: return family::string;
    case sql_value_kind::timestamp: return family::time;
    case sql_value_kind::timestamp_ltz: return family::ltz;
    case sql_value_kind::date: return family::date;
    case sql_value_kind::interval: return family::interval;
  }
  return family::null;
}

template <typename T>
int three_way(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

/// Java's Double.compare: -0.0 < 0.0, NaN above everything, NaN == NaN.
int compare_doubles(double a, double b) {
  if (a < b)
    return -1;
  if (a > b)
    return 1;
  const bool a_nan = std::isnan(a);
  const bool b_nan = std::isnan(b);
  if (a_nan || b_nan)
    return a_nan == b_nan ? 0 : (a_nan ? 1 : -1);
  return three_way(std::signbit(b), std::signbit(a)); // -0.0 before 0.0
}

int compare_numbers(const sql_value& a, const sql_value& b) {
  const auto ka = a.kind();
  const auto kb = b.kind();
  if (ka == sql_value_kind::bigint && kb == sql_value_kind::bigint)
    return three_way(a.as_bigint(), b.as_bigint());
  if (ka == sql_value_kind::double_ || kb == sql_value_kind::double_) {
    // long double holds every int64 exactly on x86-64 (64-bit mantissa).
    auto as_long_double = [](const sql_value& v) -> long double {
      switch (v.kind()) {
        case sql_value_kind::bigint: return static_cast<long double>(v.as_bigint());
        case sql_value_kind::decimal:
          return static_cast<long double>(v.decimal_unscaled())
                 / std::pow(10.0L, static_cast<int>(v.decimal_scale()));
        default: return v.as_double();
      }
    };
    if (ka == sql_value_kind::double_ && kb == sql_value_kind::double_)
      return compare_doubles(a.as_double(), b.as_double());
    const long double x = as_long_double(a);
    const long double y = as_long_double(b);
    if (std::isnan(x) || std::isnan(y))
      return std::isnan(x) ? (std::isnan(y) ? 0 : 1) : -1;
    return three_way(x, y);
  }
  // Decimals, or a decimal and a BIGINT (scale 0).
  const sql_decimal x{a.decimal_unscaled(), ka == sql_value_kind::decimal ? a.decimal_scale() : 0};
  const sql_decimal y{b.decimal_unscaled(), kb == sql_value_kind::decimal ? b.decimal_scale() : 0};
  return decimal_compare(x, y);
}

uint64_t combine(uint64_t seed, uint64_t value) {
  return mix64(seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)));
}

} // namespace

int compare(const sql_value& a, const sql_value& b) {
  const family fa = family_of(a.kind());
  const family fb = family_of(b.kind());
  if (fa != fb)
    return three_way(static_cast<int>(fa), static_cast<int>(fb));
  switch (fa) {
    case family::null: return 0;
    case family::number: return compare_numbers(a, b);
    case family::string: {
      // UTF-8 bytes, unsigned: code point order.
      const int c = std::memcmp(a.as_string().data(), b.as_string().data(),
                                std::min(a.as_string().size(), b.as_string().size()));
      return c != 0 ? (c < 0 ? -1 : 1)
                    : three_way(a.as_string().size(), b.as_string().size());
    }
    default: return three_way(a.as_bigint(), b.as_bigint());
  }
}

bool operator==(const sql_value& a, const sql_value& b) {
  if (a.kind() != b.kind())
    return false;
  switch (a.kind()) {
    case sql_value_kind::null: return true;
    case sql_value_kind::double_: {
      if (std::isnan(a.as_double()) || std::isnan(b.as_double()))
        return std::isnan(a.as_double()) && std::isnan(b.as_double());
      uint64_t x = 0, y = 0;
      const double da = a.as_double(), db = b.as_double();
      std::memcpy(&x, &da, sizeof x);
      std::memcpy(&y, &db, sizeof y);
      return x == y;
    }
    case sql_value_kind::decimal:
      return a.decimal_scale() == b.decimal_scale()
             && a.decimal_unscaled() == b.decimal_unscaled();
    case sql_value_kind::string: return a.as_string() == b.as_string();
    default: return a.as_bigint() == b.as_bigint();
  }
}

uint64_t stable_hash(const sql_value& value) {
  const uint64_t kind = static_cast<uint64_t>(value.kind());
  switch (value.kind()) {
    case sql_value_kind::null: return mix64(0x5151);
    case sql_value_kind::string:
      return combine(kind, hash_bytes(value.as_string()));
    case sql_value_kind::double_: {
      double d = value.as_double();
      if (std::isnan(d))
        d = std::nan("");
      uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      return combine(kind, bits);
    }
    case sql_value_kind::decimal:
      return combine(combine(kind, value.decimal_scale()),
                     static_cast<uint64_t>(value.decimal_unscaled()));
    default: return combine(kind, static_cast<uint64_t>(value.as_bigint()));
  }
}

bool row_less(const sql_row& a, const sql_row& b) {
  return std::lexicographical_compare(
    a.begin(), a.end(), b.begin(), b.end(),
    [](const sql_value& x, const sql_value& y) { return compare(x, y) < 0; });
}

uint64_t stable_hash(const sql_row& row) {
  uint64_t h = 0x2545f4914f6cdd1dULL;
  for (const auto& v : row)
    h = combine(h, stable_hash(v));
  return h;
}

} // namespace ubaflow
