#include "common/sql/exec/sql_operators.hpp"

#include "common/sql/exec/sql_cast.hpp"
#include "common/sql/exec/sql_decimal.hpp"
#include "common/sql/exec/sql_evaluation_error.hpp"

#include <cmath>
#include <limits>

namespace ubaflow {

namespace {

double as_double(const sql_value& v) {
  switch (v.kind()) {
    case sql_value_kind::bigint: return static_cast<double>(v.as_bigint());
    case sql_value_kind::decimal:
      return decimal_to_double({v.decimal_unscaled(), v.decimal_scale()});
    default: return v.as_double();
  }
}

sql_decimal as_decimal(const sql_value& v) {
  if (v.kind() == sql_value_kind::decimal)
    return {v.decimal_unscaled(), v.decimal_scale()};
  return {v.as_bigint(), 0};
}

/// Two's complement arithmetic on uint64: Java's long overflow, no UB.
int64_t wrapping(bound_function op, int64_t a, int64_t b) {
  const uint64_t x = static_cast<uint64_t>(a);
  const uint64_t y = static_cast<uint64_t>(b);
  switch (op) {
    case bound_function::add: return static_cast<int64_t>(x + y);
    case bound_function::subtract: return static_cast<int64_t>(x - y);
    case bound_function::multiply: return static_cast<int64_t>(x * y);
    case bound_function::divide:
    case bound_function::modulo:
      if (b == 0)
        throw sql_evaluation_error(op == bound_function::divide ? "division by zero"
                                                                : "modulo by zero");
      // Long.MIN_VALUE / -1 overflows to itself in Java (UB in C++).
      if (a == std::numeric_limits<int64_t>::min() && b == -1)
        return op == bound_function::divide ? a : 0;
      return op == bound_function::divide ? a / b : a % b;
    default: return 0;
  }
}

sql_value decimal_arithmetic(bound_function op, const sql_value& a, const sql_value& b,
                             const data_type& result) {
  const sql_decimal x = as_decimal(a);
  const sql_decimal y = as_decimal(b);
  std::optional<int64_t> v;
  switch (op) {
    case bound_function::add: v = decimal_add(x, y, result.scale, result.precision); break;
    case bound_function::subtract:
      v = decimal_subtract(x, y, result.scale, result.precision);
      break;
    case bound_function::multiply:
      v = decimal_multiply(x, y, result.scale, result.precision);
      break;
    default:
      if (y.unscaled == 0)
        throw sql_evaluation_error(op == bound_function::divide ? "division by zero"
                                                                : "modulo by zero");
      v = op == bound_function::divide
            ? decimal_divide(x, y, result.scale, result.precision)
            : decimal_modulo(x, y, result.scale, result.precision);
  }
  return v ? sql_value::decimal(*v, result.scale) : sql_value::null();
}

bool is_time(const sql_value& v) {
  return v.kind() == sql_value_kind::timestamp || v.kind() == sql_value_kind::timestamp_ltz;
}

} // namespace

sql_value apply_arithmetic(bound_function op, const sql_value& a, const sql_value& b,
                           const data_type& result) {
  if (a.is_null() || b.is_null())
    return sql_value::null();
  if (is_time(a) && b.kind() == sql_value_kind::interval) {
    const int64_t shifted = wrapping(op, a.as_millis(), b.as_millis());
    return a.kind() == sql_value_kind::timestamp ? sql_value::timestamp(shifted)
                                                 : sql_value::timestamp_ltz(shifted);
  }
  if (is_integer(result.kind))
    return sql_value::bigint(wrap_integer(wrapping(op, a.as_bigint(), b.as_bigint()),
                                          result.kind));
  if (result.kind == data_type_kind::decimal)
    return decimal_arithmetic(op, a, b, result);
  // DOUBLE, FLOAT: IEEE, as Java.
  const double x = as_double(a);
  const double y = as_double(b);
  double v = 0;
  switch (op) {
    case bound_function::add: v = x + y; break;
    case bound_function::subtract: v = x - y; break;
    case bound_function::multiply: v = x * y; break;
    case bound_function::divide: v = x / y; break;
    default: v = std::fmod(x, y); break;
  }
  if (result.kind == data_type_kind::float_)
    v = static_cast<double>(static_cast<float>(v));
  return sql_value::double_(v);
}

sql_value apply_negate(const sql_value& a, const data_type& result) {
  switch (a.kind()) {
    case sql_value_kind::bigint:
      return sql_value::bigint(
        wrap_integer(static_cast<int64_t>(0 - static_cast<uint64_t>(a.as_bigint())),
                     result.kind));
    case sql_value_kind::double_: return sql_value::double_(-a.as_double());
    case sql_value_kind::decimal:
      if (a.decimal_unscaled() == std::numeric_limits<int64_t>::min())
        return sql_value::null();
      return sql_value::decimal(-a.decimal_unscaled(), a.decimal_scale());
    case sql_value_kind::interval: return sql_value::interval(-a.as_millis());
    default: return a; // NULL
  }
}

sql_truth comparison_truth(bound_function op, const sql_value& a, const sql_value& b) {
  if (a.is_null() || b.is_null())
    return sql_truth::unknown;
  const bool nan = (a.kind() == sql_value_kind::double_ && std::isnan(a.as_double()))
                   || (b.kind() == sql_value_kind::double_ && std::isnan(b.as_double()));
  if (nan)
    return op == bound_function::not_equal ? sql_truth::true_ : sql_truth::false_;
  const int c = compare(a, b);
  bool holds = false;
  switch (op) {
    case bound_function::equal: holds = c == 0; break;
    case bound_function::not_equal: holds = c != 0; break;
    case bound_function::less: holds = c < 0; break;
    case bound_function::less_equal: holds = c <= 0; break;
    case bound_function::greater: holds = c > 0; break;
    default: holds = c >= 0; break;
  }
  return holds ? sql_truth::true_ : sql_truth::false_;
}

sql_value apply_comparison(bound_function op, const sql_value& a, const sql_value& b) {
  return from_truth(comparison_truth(op, a, b));
}

sql_value coerce_numeric(const sql_value& value, const data_type& type) {
  switch (type.kind) {
    case data_type_kind::decimal:
      if (value.kind() == sql_value_kind::bigint
          || (value.kind() == sql_value_kind::decimal && value.decimal_scale() != type.scale)) {
        const auto v = decimal_rescale(as_decimal(value), type.scale, type.precision);
        return v ? sql_value::decimal(*v, type.scale) : sql_value::null();
      }
      if (value.kind() == sql_value_kind::double_) {
        const auto v = decimal_from_double(value.as_double(), type.scale, type.precision);
        return v ? sql_value::decimal(*v, type.scale) : sql_value::null();
      }
      return value;
    case data_type_kind::float_:
    case data_type_kind::double_:
      if (value.kind() == sql_value_kind::bigint || value.kind() == sql_value_kind::decimal)
        return sql_value::double_(as_double(value));
      return value;
    default: return value;
  }
}

} // namespace ubaflow
