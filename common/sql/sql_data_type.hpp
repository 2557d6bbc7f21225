#pragma once

// The types the binder gives columns and expressions (issue 13), with the
// rules of Flink SQL for the subset ubaflow runs: numeric widening, the
// common type of CASE branches and IN lists, what compares with what, what
// CAST converts and what an INSERT may write into a sink column without a
// CAST. A type is what Flink would print for it (BIGINT, STRING,
// TIMESTAMP(3) *ROWTIME*), so messages read as in Flink.

#include "common/sql/sql_ast.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ubaflow {

enum class data_type_kind : uint8_t {
  null,          ///< the type of the literal NULL: fits anywhere
  boolean,
  tinyint,
  smallint,
  integer,
  bigint,
  decimal,
  float_,
  double_,
  char_,         ///< CHAR(n): string literals are CHAR(length)
  varchar,       ///< VARCHAR(n); STRING is VARCHAR(max_varchar_length)
  date,
  timestamp,     ///< TIMESTAMP(p) (without time zone)
  timestamp_ltz, ///< TIMESTAMP(p) WITH LOCAL TIME ZONE
  interval,      ///< a day-time INTERVAL: window sizes, watermark delays
};

/// Whether a TIMESTAMP column drives time: the event time the watermark is
/// declared on (rowtime), or PROCTIME() (proctime). Windows and lookup
/// joins need one; any computation on it gives a plain timestamp, as in
/// Flink.
enum class time_attribute : uint8_t { none, rowtime, proctime };

/// STRING's length, as in Flink (Integer.MAX_VALUE).
inline constexpr uint32_t max_varchar_length = 2147483647;
/// DECIMAL's largest precision, as in Flink.
inline constexpr uint32_t max_decimal_precision = 38;

struct data_type {
  data_type_kind kind = data_type_kind::null;
  /// DECIMAL's precision, CHAR/VARCHAR's length, TIMESTAMP's fraction
  /// digits; 0 otherwise.
  uint32_t precision = 0;
  uint32_t scale = 0; ///< DECIMAL's scale
  bool nullable = true;
  time_attribute attribute = time_attribute::none;

  static data_type of(data_type_kind kind, bool nullable = true) {
    data_type t;
    t.kind = kind;
    t.nullable = nullable;
    return t;
  }
  static data_type string(bool nullable = true) {
    data_type t = of(data_type_kind::varchar, nullable);
    t.precision = max_varchar_length;
    return t;
  }
  static data_type timestamp(uint32_t precision, bool nullable = true,
                             data_type_kind kind = data_type_kind::timestamp) {
    data_type t = of(kind, nullable);
    t.precision = precision;
    return t;
  }
  static data_type decimal(uint32_t precision, uint32_t scale, bool nullable = true) {
    data_type t = of(data_type_kind::decimal, nullable);
    t.precision = precision;
    t.scale = scale;
    return t;
  }

  /// The same type without the time attribute (what a computation on a
  /// time attribute yields) and, if asked, nullable.
  data_type plain() const {
    data_type t = *this;
    t.attribute = time_attribute::none;
    return t;
  }
  data_type with_nullable(bool value) const {
    data_type t = *this;
    t.nullable = value;
    return t;
  }
};

/// Same kind, precision, scale and attribute (nullability aside).
bool same_type(const data_type& a, const data_type& b);

/// As Flink prints it, without nullability: BIGINT, STRING, VARCHAR(10),
/// DECIMAL(10, 2), TIMESTAMP(3) *ROWTIME*, TIMESTAMP_LTZ(3) *PROCTIME*.
std::string to_string(const data_type& type);

bool is_numeric(data_type_kind kind);
bool is_integer(data_type_kind kind); ///< TINYINT .. BIGINT
bool is_character(data_type_kind kind); ///< CHAR, VARCHAR
bool is_timestamp(data_type_kind kind); ///< TIMESTAMP, TIMESTAMP_LTZ

/// A declared column or CAST type with Flink's defaults applied
/// (TIMESTAMP = TIMESTAMP(6), DECIMAL = DECIMAL(10, 0), VARCHAR = VARCHAR(1),
/// CHAR = CHAR(1)), or why it cannot be one (e.g. TIMESTAMP(10)).
struct declared_type_result {
  data_type type;
  std::string error; ///< empty when the type is valid
};
declared_type_result resolve_declared_type(const sql_type& type);

/// The type of `a op b` for + - * / % on numbers (Flink's widening:
/// TINYINT < SMALLINT < INT < BIGINT < DECIMAL < FLOAT < DOUBLE, integer
/// division for integers, Flink's DECIMAL precision rules); nullopt if
/// either is not numeric.
std::optional<data_type> numeric_result(binary_operator op, const data_type& a,
                                        const data_type& b);

/// The type both of `a` and `b` convert to, as CASE branches, IN lists and
/// COALESCE need (numbers widen, CHAR of different lengths gives VARCHAR,
/// TIMESTAMPs take the larger precision, NULL takes the other); nullopt if
/// they have none.
std::optional<data_type> common_type(const data_type& a, const data_type& b);

/// Whether `a = b`, `a < b` and friends are defined: numbers with numbers,
/// strings with strings, BOOLEAN with BOOLEAN, DATE with DATE, TIMESTAMP
/// with TIMESTAMP, TIMESTAMP_LTZ with TIMESTAMP_LTZ, NULL with anything.
bool comparable(const data_type& a, const data_type& b);

/// Whether CAST(x AS `to`) is defined for x of type `from`.
bool castable(const data_type& from, const data_type& to);

/// Whether an INSERT may write `from` into a column of type `to` without a
/// CAST (Flink's implicit casts: numeric widening, any string into any
/// string, TIMESTAMP(p) into TIMESTAMP(q), NULL into anything; TIMESTAMP
/// into TIMESTAMP_LTZ needs a CAST).
bool assignable(const data_type& from, const data_type& to);

} // namespace ubaflow
