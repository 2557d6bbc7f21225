#include "common/sql/sql_data_type.hpp"

#include <algorithm>

namespace ubaflow {

bool same_type(const data_type& a, const data_type& b) {
  return a.kind == b.kind && a.precision == b.precision && a.scale == b.scale
         && a.attribute == b.attribute;
}

std::string to_string(const data_type& type) {
  const auto with_precision = [&](const char* name) {
    return std::string{name} + "(" + std::to_string(type.precision) + ")";
  };
  std::string out;
  switch (type.kind) {
    case data_type_kind::null: out = "NULL"; break;
    case data_type_kind::boolean: out = "BOOLEAN"; break;
    case data_type_kind::tinyint: out = "TINYINT"; break;
    case data_type_kind::smallint: out = "SMALLINT"; break;
    case data_type_kind::integer: out = "INT"; break;
    case data_type_kind::bigint: out = "BIGINT"; break;
    case data_type_kind::decimal:
      out = "DECIMAL(" + std::to_string(type.precision) + ", "
            + std::to_string(type.scale) + ")";
      break;
    case data_type_kind::float_: out = "FLOAT"; break;
    case data_type_kind::double_: out = "DOUBLE"; break;
    case data_type_kind::char_: out = with_precision("CHAR"); break;
    case data_type_kind::varchar:
      out = type.precision == max_varchar_length ? "STRING"
                                                 : with_precision("VARCHAR");
      break;
    case data_type_kind::date: out = "DATE"; break;
    case data_type_kind::timestamp: out = with_precision("TIMESTAMP"); break;
    case data_type_kind::timestamp_ltz: out = with_precision("TIMESTAMP_LTZ"); break;
    case data_type_kind::interval: out = "INTERVAL"; break;
  }
  if (type.attribute == time_attribute::rowtime)
    out += " *ROWTIME*";
  else if (type.attribute == time_attribute::proctime)
    out += " *PROCTIME*";
  return out;
}

bool is_integer(data_type_kind kind) {
  return kind == data_type_kind::tinyint || kind == data_type_kind::smallint
         || kind == data_type_kind::integer || kind == data_type_kind::bigint;
}

bool is_numeric(data_type_kind kind) {
  return is_integer(kind) || kind == data_type_kind::decimal
         || kind == data_type_kind::float_ || kind == data_type_kind::double_;
}

bool is_character(data_type_kind kind) {
  return kind == data_type_kind::char_ || kind == data_type_kind::varchar;
}

bool is_timestamp(data_type_kind kind) {
  return kind == data_type_kind::timestamp || kind == data_type_kind::timestamp_ltz;
}

declared_type_result resolve_declared_type(const sql_type& type) {
  declared_type_result result;
  data_type& t = result.type;
  const auto precision_or = [&](uint32_t fallback) {
    return type.precision.value_or(fallback);
  };
  switch (type.name) {
    case sql_type_name::boolean: t.kind = data_type_kind::boolean; break;
    case sql_type_name::tinyint: t.kind = data_type_kind::tinyint; break;
    case sql_type_name::smallint: t.kind = data_type_kind::smallint; break;
    case sql_type_name::integer: t.kind = data_type_kind::integer; break;
    case sql_type_name::bigint: t.kind = data_type_kind::bigint; break;
    case sql_type_name::float_: t.kind = data_type_kind::float_; break;
    case sql_type_name::double_: t.kind = data_type_kind::double_; break;
    case sql_type_name::date: t.kind = data_type_kind::date; break;
    case sql_type_name::string: t = data_type::string(); break;
    case sql_type_name::decimal:
      t = data_type::decimal(precision_or(10), type.scale.value_or(0));
      if (t.precision < 1 || t.precision > max_decimal_precision)
        result.error = "DECIMAL precision must be between 1 and 38";
      else if (t.scale > t.precision)
        result.error = "DECIMAL scale must not exceed its precision";
      break;
    case sql_type_name::varchar:
    case sql_type_name::char_:
      t.kind = type.name == sql_type_name::varchar ? data_type_kind::varchar
                                                   : data_type_kind::char_;
      t.precision = precision_or(1);
      if (t.precision < 1)
        result.error = "a string type's length must be at least 1";
      break;
    case sql_type_name::timestamp:
      t = data_type::timestamp(precision_or(6), true,
                               type.local_time_zone ? data_type_kind::timestamp_ltz
                                                    : data_type_kind::timestamp);
      if (t.precision > 9)
        result.error = "TIMESTAMP precision must be between 0 and 9";
      break;
  }
  return result;
}

namespace {

int numeric_rank(data_type_kind kind) {
  switch (kind) {
    case data_type_kind::tinyint: return 1;
    case data_type_kind::smallint: return 2;
    case data_type_kind::integer: return 3;
    case data_type_kind::bigint: return 4;
    case data_type_kind::decimal: return 5;
    case data_type_kind::float_: return 6;
    case data_type_kind::double_: return 7;
    default: return 0;
  }
}

/// An exact number as DECIMAL(p, s): integers take the digits of their
/// largest value, as Flink does when it mixes them with decimals.
data_type as_decimal(const data_type& t) {
  switch (t.kind) {
    case data_type_kind::tinyint: return data_type::decimal(3, 0);
    case data_type_kind::smallint: return data_type::decimal(5, 0);
    case data_type_kind::integer: return data_type::decimal(10, 0);
    case data_type_kind::bigint: return data_type::decimal(19, 0);
    default: return t;
  }
}

/// Keeps a derived DECIMAL within 38 digits, giving up scale first but
/// keeping at least 6 fraction digits where there were more (Flink's rule).
data_type bounded_decimal(int64_t precision, int64_t scale) {
  if (precision > max_decimal_precision) {
    const int64_t excess = precision - max_decimal_precision;
    scale = std::max<int64_t>(std::min<int64_t>(scale, 6), scale - excess);
    precision = max_decimal_precision;
  }
  scale = std::min(scale, precision);
  return data_type::decimal(static_cast<uint32_t>(precision),
                            static_cast<uint32_t>(scale));
}

data_type decimal_result(binary_operator op, const data_type& a, const data_type& b) {
  const data_type x = as_decimal(a);
  const data_type y = as_decimal(b);
  const int64_t p1 = x.precision, s1 = x.scale, p2 = y.precision, s2 = y.scale;
  switch (op) {
    case binary_operator::multiply: return bounded_decimal(p1 + p2, s1 + s2);
    case binary_operator::divide: {
      const int64_t scale = std::max<int64_t>(6, s1 + p2 + 1);
      return bounded_decimal(p1 - s1 + s2 + scale, scale);
    }
    case binary_operator::modulo: {
      const int64_t scale = std::max(s1, s2);
      return bounded_decimal(std::min(p1 - s1, p2 - s2) + scale, scale);
    }
    default: {
      const int64_t scale = std::max(s1, s2);
      return bounded_decimal(std::max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
  }
}

data_type wider_numeric(const data_type& a, const data_type& b) {
  if (a.kind == data_type_kind::decimal || b.kind == data_type_kind::decimal) {
    if (numeric_rank(a.kind) > 5 || numeric_rank(b.kind) > 5)
      return data_type::of(data_type_kind::double_);
    const data_type x = as_decimal(a);
    const data_type y = as_decimal(b);
    const uint32_t scale = std::max(x.scale, y.scale);
    const uint32_t digits = std::max(x.precision - x.scale, y.precision - y.scale);
    return bounded_decimal(digits + scale, scale);
  }
  return data_type::of(numeric_rank(a.kind) >= numeric_rank(b.kind) ? a.kind : b.kind);
}

} // namespace

std::optional<data_type> numeric_result(binary_operator op, const data_type& a,
                                        const data_type& b) {
  if (!is_numeric(a.kind) || !is_numeric(b.kind))
    return std::nullopt;
  data_type result;
  const bool approximate = numeric_rank(a.kind) > 5 || numeric_rank(b.kind) > 5;
  if (!approximate && (a.kind == data_type_kind::decimal || b.kind == data_type_kind::decimal))
    result = decimal_result(op, a, b);
  else
    result = wider_numeric(a, b);
  result.nullable = a.nullable || b.nullable;
  return result;
}

std::optional<data_type> common_type(const data_type& a, const data_type& b) {
  data_type result;
  if (a.kind == data_type_kind::null)
    result = b.plain();
  else if (b.kind == data_type_kind::null)
    result = a.plain();
  else if (is_numeric(a.kind) && is_numeric(b.kind))
    result = wider_numeric(a, b);
  else if (is_character(a.kind) && is_character(b.kind)) {
    const bool all_char = a.kind == data_type_kind::char_ && b.kind == data_type_kind::char_;
    result = data_type::of(all_char && a.precision == b.precision
                             ? data_type_kind::char_
                             : data_type_kind::varchar);
    result.precision = std::max(a.precision, b.precision);
  } else if (a.kind == b.kind
             && (is_timestamp(a.kind) || a.kind == data_type_kind::date
                 || a.kind == data_type_kind::boolean
                 || a.kind == data_type_kind::interval)) {
    result = data_type::of(a.kind);
    result.precision = std::max(a.precision, b.precision);
  } else {
    return std::nullopt;
  }
  result.nullable = a.nullable || b.nullable;
  return result;
}

bool comparable(const data_type& a, const data_type& b) {
  if (a.kind == data_type_kind::null || b.kind == data_type_kind::null)
    return true;
  if (is_numeric(a.kind) && is_numeric(b.kind))
    return true;
  if (is_character(a.kind) && is_character(b.kind))
    return true;
  return a.kind == b.kind && a.kind != data_type_kind::interval;
}

bool castable(const data_type& from, const data_type& to) {
  const auto f = from.kind;
  const auto t = to.kind;
  if (f == data_type_kind::null || f == t)
    return t != data_type_kind::interval;
  if (t == data_type_kind::interval || f == data_type_kind::interval)
    return false;
  if (is_character(t) || is_character(f))
    return true; // everything prints as and parses from a string
  if (is_numeric(f) && is_numeric(t))
    return true;
  if (f == data_type_kind::boolean || t == data_type_kind::boolean)
    return is_numeric(f) || is_numeric(t);
  if (is_timestamp(f) && (is_timestamp(t) || t == data_type_kind::date))
    return true;
  return f == data_type_kind::date && is_timestamp(t);
}

bool assignable(const data_type& from, const data_type& to) {
  if (from.kind == data_type_kind::null)
    return true;
  if (is_numeric(from.kind) && is_numeric(to.kind)) {
    if (numeric_rank(from.kind) < numeric_rank(to.kind))
      return to.kind != data_type_kind::decimal
             || as_decimal(from).precision - as_decimal(from).scale
                  <= to.precision - to.scale;
    if (from.kind != to.kind)
      return false;
    return from.kind != data_type_kind::decimal
           || (from.scale <= to.scale
               && from.precision - from.scale <= to.precision - to.scale);
  }
  if (is_character(from.kind) && is_character(to.kind))
    return true;
  return from.kind == to.kind && from.kind != data_type_kind::interval;
}

} // namespace ubaflow
