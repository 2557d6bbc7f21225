#include "common/sql/exec/sql_cast.hpp"

#include "common/sql/exec/sql_decimal.hpp"
#include "common/sql/exec/sql_evaluation_error.hpp"
#include "common/sql/exec/sql_value_text.hpp"
#include "common/time/event_time.hpp"

#include <cmath>
#include <limits>

namespace ubaflow {

namespace {

[[noreturn]] void cannot(const sql_value& value, const data_type& to,
                         const std::string& why = {}) {
  std::string shown = value.to_text();
  if (shown.size() > 60)
    shown = shown.substr(0, 57) + "...";
  throw sql_evaluation_error("cannot CAST " + shown + " to " + to_string(to)
                             + (why.empty() ? "" : ": " + why));
}

bool integer_kind(data_type_kind kind) {
  return is_integer(kind);
}

/// Java's (long) / (int) of a double: NaN is 0, out of range saturates.
int64_t saturate(double value, int64_t low, int64_t high) {
  if (std::isnan(value))
    return 0;
  if (value <= static_cast<double>(low))
    return low;
  if (value >= static_cast<double>(high))
    return high;
  return static_cast<int64_t>(value);
}

int64_t integer_from_double(double value, data_type_kind kind) {
  if (kind == data_type_kind::bigint)
    return saturate(value, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max());
  // INT saturates; SMALLINT and TINYINT go through int, then wrap.
  const int64_t as_int = saturate(value, std::numeric_limits<int32_t>::min(),
                                  std::numeric_limits<int32_t>::max());
  return wrap_integer(as_int, kind);
}

/// The range of an integer type kind.
std::pair<int64_t, int64_t> integer_range(data_type_kind kind) {
  switch (kind) {
    case data_type_kind::tinyint: return {-128, 127};
    case data_type_kind::smallint: return {-32768, 32767};
    case data_type_kind::integer:
      return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    default:
      return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  }
}

/// Flink reads "12", " -3 " and also "1.9" (the fraction dropped) as
/// integers; anything else, or a value beyond the type's range, fails.
int64_t integer_from_text(const sql_value& value, const data_type& to) {
  const std::string_view text = trim_sql_text(value.as_string());
  std::optional<int64_t> parsed = parse_sql_integer(text);
  if (!parsed) {
    const size_t point = text.find('.');
    if (point != std::string_view::npos && point > 0) {
      const std::string_view fraction = text.substr(point + 1);
      bool digits = true;
      for (char c : fraction)
        digits = digits && c >= '0' && c <= '9';
      if (digits)
        parsed = parse_sql_integer(text.substr(0, point));
    }
  }
  const auto [low, high] = integer_range(to.kind);
  if (!parsed || *parsed < low || *parsed > high)
    cannot(value, to, "not a number of that type");
  return *parsed;
}

sql_value to_integer(const sql_value& value, const data_type& to) {
  switch (value.kind()) {
    case sql_value_kind::boolean: return sql_value::bigint(value.as_boolean() ? 1 : 0);
    case sql_value_kind::bigint:
      return sql_value::bigint(wrap_integer(value.as_bigint(), to.kind));
    case sql_value_kind::double_:
      return sql_value::bigint(integer_from_double(value.as_double(), to.kind));
    case sql_value_kind::decimal:
      return sql_value::bigint(wrap_integer(
        decimal_truncate({value.decimal_unscaled(), value.decimal_scale()}), to.kind));
    case sql_value_kind::string: return sql_value::bigint(integer_from_text(value, to));
    default: cannot(value, to);
  }
}

sql_value to_double(const sql_value& value, const data_type& to) {
  double result = 0;
  switch (value.kind()) {
    case sql_value_kind::boolean: result = value.as_boolean() ? 1 : 0; break;
    case sql_value_kind::bigint: result = static_cast<double>(value.as_bigint()); break;
    case sql_value_kind::double_: result = value.as_double(); break;
    case sql_value_kind::decimal:
      result = decimal_to_double({value.decimal_unscaled(), value.decimal_scale()});
      break;
    case sql_value_kind::string: {
      const auto parsed = parse_sql_double(value.as_string());
      if (!parsed)
        cannot(value, to, "not a number");
      result = *parsed;
      break;
    }
    default: cannot(value, to);
  }
  if (to.kind == data_type_kind::float_)
    result = static_cast<double>(static_cast<float>(result));
  return sql_value::double_(result);
}

sql_value to_decimal(const sql_value& value, const data_type& to) {
  std::optional<int64_t> unscaled;
  switch (value.kind()) {
    case sql_value_kind::boolean:
      unscaled = decimal_rescale({value.as_boolean() ? 1 : 0, 0}, to.scale, to.precision);
      break;
    case sql_value_kind::bigint:
      unscaled = decimal_rescale({value.as_bigint(), 0}, to.scale, to.precision);
      break;
    case sql_value_kind::double_:
      unscaled = decimal_from_double(value.as_double(), to.scale, to.precision);
      break;
    case sql_value_kind::decimal:
      unscaled = decimal_rescale({value.decimal_unscaled(), value.decimal_scale()},
                                 to.scale, to.precision);
      break;
    case sql_value_kind::string: {
      bool invalid = false;
      unscaled = decimal_parse(value.as_string(), to.scale, to.precision, &invalid);
      if (invalid)
        cannot(value, to, "not a number");
      break;
    }
    default: cannot(value, to);
  }
  // Flink gives NULL for a decimal that overflows its precision.
  return unscaled ? sql_value::decimal(*unscaled, to.scale) : sql_value::null();
}

/// Cuts a string to `length` code points.
std::string cut_code_points(std::string text, uint32_t length) {
  uint32_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
      continue;
    if (seen == length) {
      text.resize(i);
      break;
    }
    ++seen;
  }
  return text;
}

uint32_t code_points(const std::string& text) {
  uint32_t n = 0;
  for (char c : text)
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

int64_t truncate_precision(int64_t ms, uint32_t precision) {
  if (precision >= 3)
    return ms;
  const int64_t unit = precision == 2 ? 10 : precision == 1 ? 100 : 1000;
  return align_down(ms, unit);
}

int64_t timestamp_from_text(const sql_value& value, const data_type& to) {
  const auto parsed = parse_sql_timestamp(value.as_string());
  if (!parsed)
    cannot(value, to, "expected 'yyyy-MM-dd HH:mm:ss[.SSS]'");
  return *parsed;
}

/// TIMESTAMP / TIMESTAMP_LTZ / DATE, as local millis of the job's zone.
int64_t local_millis(const sql_value& value, const data_type& to, const time_zone& zone) {
  switch (value.kind()) {
    case sql_value_kind::timestamp: return value.as_millis();
    case sql_value_kind::timestamp_ltz: return zone.to_local(value.as_millis());
    case sql_value_kind::date: return value.as_days() * ms_per_day;
    case sql_value_kind::string: return timestamp_from_text(value, to);
    default: cannot(value, to);
  }
}

} // namespace

int64_t wrap_integer(int64_t value, data_type_kind kind) {
  switch (kind) {
    case data_type_kind::tinyint: return static_cast<int8_t>(static_cast<uint8_t>(value));
    case data_type_kind::smallint:
      return static_cast<int16_t>(static_cast<uint16_t>(value));
    case data_type_kind::integer: return static_cast<int32_t>(static_cast<uint32_t>(value));
    default: return value;
  }
}

std::string cast_to_text(const sql_value& value, const data_type& from,
                         const time_zone& zone) {
  switch (value.kind()) {
    case sql_value_kind::null: return "NULL";
    case sql_value_kind::boolean: return value.as_boolean() ? "TRUE" : "FALSE";
    case sql_value_kind::bigint: return std::to_string(value.as_bigint());
    case sql_value_kind::double_:
      return format_java_double(value.as_double(), from.kind == data_type_kind::float_);
    case sql_value_kind::decimal:
      return decimal_to_string({value.decimal_unscaled(), value.decimal_scale()});
    case sql_value_kind::string: return value.as_string();
    case sql_value_kind::timestamp:
      return format_sql_timestamp(value.as_millis(), from.precision);
    case sql_value_kind::timestamp_ltz:
      return format_sql_timestamp(zone.to_local(value.as_millis()), from.precision);
    case sql_value_kind::date: return format_sql_date(value.as_days());
    case sql_value_kind::interval: return std::to_string(value.as_millis());
  }
  return {};
}

sql_value cast_value(const sql_value& value, const data_type& from, const data_type& to,
                     const time_zone& zone) {
  if (value.is_null())
    return value;
  const auto kind = to.kind;
  if (integer_kind(kind))
    return to_integer(value, to);
  switch (kind) {
    case data_type_kind::boolean:
      switch (value.kind()) {
        case sql_value_kind::boolean: return value;
        case sql_value_kind::bigint: return sql_value::boolean(value.as_bigint() != 0);
        case sql_value_kind::double_: return sql_value::boolean(value.as_double() != 0);
        case sql_value_kind::decimal:
          return sql_value::boolean(value.decimal_unscaled() != 0);
        case sql_value_kind::string: {
          const auto parsed = parse_sql_boolean(value.as_string());
          if (!parsed)
            cannot(value, to, "expected TRUE or FALSE");
          return sql_value::boolean(*parsed);
        }
        default: cannot(value, to);
      }
    case data_type_kind::float_:
    case data_type_kind::double_: return to_double(value, to);
    case data_type_kind::decimal: return to_decimal(value, to);
    case data_type_kind::char_:
    case data_type_kind::varchar: {
      std::string text = cast_to_text(value, from, zone);
      if (to.precision < max_varchar_length)
        text = cut_code_points(std::move(text), to.precision);
      if (kind == data_type_kind::char_) {
        const uint32_t n = code_points(text);
        if (n < to.precision)
          text.append(to.precision - n, ' ');
      }
      return sql_value::string(std::move(text));
    }
    case data_type_kind::date:
      if (value.kind() == sql_value_kind::string) {
        const auto days = parse_sql_date(value.as_string());
        if (!days)
          cannot(value, to, "expected 'yyyy-MM-dd'");
        return sql_value::date(*days);
      }
      return sql_value::date(floor_div(local_millis(value, to, zone), ms_per_day));
    case data_type_kind::timestamp:
      return sql_value::timestamp(truncate_precision(local_millis(value, to, zone),
                                                     to.precision));
    case data_type_kind::timestamp_ltz: {
      const int64_t instant = value.kind() == sql_value_kind::timestamp_ltz
                                ? value.as_millis()
                                : zone.to_instant(local_millis(value, to, zone));
      return sql_value::timestamp_ltz(truncate_precision(instant, to.precision));
    }
    default: cannot(value, to);
  }
}

} // namespace ubaflow
