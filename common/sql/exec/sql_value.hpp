#pragma once

// One runtime value of a SQL job (issue 13): what a column, an expression,
// a group key or an aggregate's result holds while the engine runs and
// while the batch oracle recomputes. The bound types (sql_data_type.hpp)
// collapse onto a few representations, so the evaluator and the
// accumulators have few cases to handle:
//
//   NULL                  no payload (a NULL of any type)
//   BOOLEAN               bool
//   TINYINT .. BIGINT     int64; the evaluator wraps results to the
//                         declared width, as Java's int/short/byte do
//   FLOAT, DOUBLE         double (FLOAT results are rounded to float)
//   DECIMAL(p, s)         the unscaled value as int64 with the scale s
//                         (1.25 in DECIMAL(5, 2) is 125, scale 2): exact
//                         and cheap, but limited to 18 significant digits;
//                         a result that does not fit becomes NULL, as
//                         Flink's decimals do when they overflow p
//   CHAR, VARCHAR/STRING  std::string, UTF-8
//   TIMESTAMP(p)          milliseconds of zone-less wall-clock time,
//                         counted as if it were UTC (common/time's
//                         event_time: "local millis")
//   TIMESTAMP_LTZ(p)      milliseconds since the epoch: an instant, shown
//                         in the job's time zone
//   DATE                  days since 1970-01-01
//   INTERVAL (day-time)   milliseconds
//
// Precision beyond milliseconds is not kept (event time is milliseconds).
// Values are typed by the expression that made them; a value does not
// remember CHAR(n) versus STRING or INT versus BIGINT.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

enum class sql_value_kind : uint8_t {
  null,
  boolean,
  bigint,
  double_,
  decimal,
  string,
  timestamp,
  timestamp_ltz,
  date,
  interval,
};

const char* to_string(sql_value_kind kind);

class sql_value {
public:
  /// NULL.
  sql_value() = default;

  // The values of one number each are built inline: the engine makes
  // them per row.
  static sql_value null() { return {}; }
  static sql_value boolean(bool value) {
    return of(sql_value_kind::boolean, value ? 1 : 0);
  }
  static sql_value bigint(int64_t value) {
    return of(sql_value_kind::bigint, value);
  }
  static sql_value double_(double value) {
    sql_value v;
    v.kind_ = sql_value_kind::double_;
    v.real_ = value;
    return v;
  }
  /// `unscaled` * 10^-scale; scale at most 38.
  static sql_value decimal(int64_t unscaled, uint32_t scale);
  static sql_value string(std::string value);
  /// Zone-less wall-clock milliseconds (TIMESTAMP).
  static sql_value timestamp(int64_t local_ms) {
    return of(sql_value_kind::timestamp, local_ms);
  }
  /// Milliseconds since the epoch (TIMESTAMP_LTZ).
  static sql_value timestamp_ltz(int64_t epoch_ms) {
    return of(sql_value_kind::timestamp_ltz, epoch_ms);
  }
  static sql_value date(int64_t days) { return of(sql_value_kind::date, days); }
  static sql_value interval(int64_t ms) {
    return of(sql_value_kind::interval, ms);
  }

  /// Makes this value one of the kinds whose payload is one integer
  /// (BOOLEAN as 0 or 1, BIGINT, TIMESTAMP, TIMESTAMP_LTZ, DATE,
  /// INTERVAL), in place: no temporary value per row.
  void assign_integer(sql_value_kind kind, int64_t payload) {
    kind_ = kind;
    scale_ = 0;
    integer_ = payload;
    if (!text_.empty()) // (a read of the size, not of the buffer)
      text_.clear();    // a former string's buffer stays for reuse
  }

  /// Makes this value the string `value`, in the buffer it already has: a
  /// decoder filling one row over and over allocates nothing.
  void assign_string(std::string_view value) {
    kind_ = sql_value_kind::string;
    scale_ = 0;
    integer_ = 0;
    // Rows repeat their strings' lengths (most behaviours are "pv"): then
    // the bytes are copied inline, without the library's general replace.
    if (value.size() == text_.size() && !value.empty())
      std::memmove(text_.data(), value.data(), value.size());
    else
      text_.assign(value.data(), value.size());
  }

  sql_value_kind kind() const { return kind_; }
  bool is_null() const { return kind_ == sql_value_kind::null; }

  // Accessors read the payload of the matching kind; reading another
  // kind's accessor gives that payload's bits unchanged (callers check
  // kind() first).
  bool as_boolean() const { return integer_ != 0; }
  int64_t as_bigint() const { return integer_; }
  double as_double() const { return real_; }
  int64_t decimal_unscaled() const { return integer_; }
  uint32_t decimal_scale() const { return scale_; }
  const std::string& as_string() const { return text_; }
  /// TIMESTAMP's local millis, TIMESTAMP_LTZ's epoch millis, INTERVAL's ms.
  int64_t as_millis() const { return integer_; }
  int64_t as_days() const { return integer_; }

  /// For debugging and test messages: NULL, TRUE, 42, 1.5E0 (DOUBLE),
  /// 1.25 (DECIMAL), 'text', TIMESTAMP '2017-11-26 10:00:00.000',
  /// TIMESTAMP_LTZ '...Z' (in UTC), DATE '2017-11-26', INTERVAL '5000' ms.
  std::string to_text() const;

private:
  static sql_value of(sql_value_kind kind, int64_t payload) {
    sql_value v;
    v.kind_ = kind;
    v.integer_ = payload;
    return v;
  }

  sql_value_kind kind_ = sql_value_kind::null;
  uint8_t scale_ = 0;
  union {
    int64_t integer_ = 0;
    double real_;
  };
  std::string text_;
};

/// A total order, for MIN/MAX and sorting: NULL first; numbers (BIGINT,
/// DOUBLE, DECIMAL) with each other by value, DOUBLE as Java's
/// Double.compare (-0.0 < 0.0, NaN last); strings by UTF-8 bytes (as
/// Flink's BinaryStringData); TIMESTAMP, TIMESTAMP_LTZ, DATE, INTERVAL by
/// their number; values of different families by kind. <0, 0, >0.
int compare(const sql_value& a, const sql_value& b);

/// Identity for group keys and distinct sets: same kind and same payload
/// (a DECIMAL also the same scale; DOUBLE by bits, every NaN alike).
/// 1 (BIGINT) and 1.0 (DOUBLE) differ: values of one key share a type.
bool operator==(const sql_value& a, const sql_value& b);
inline bool operator!=(const sql_value& a, const sql_value& b) { return !(a == b); }

/// A hash consistent with ==, stable across processes and machines (it
/// may route rows between workers and be stored in snapshots).
uint64_t stable_hash(const sql_value& value);

struct sql_value_hash {
  size_t operator()(const sql_value& value) const {
    return static_cast<size_t>(stable_hash(value));
  }
};

/// The values of one row, by column.
using sql_row = std::vector<sql_value>;

/// Rows in order of their values, column by column (compare()): how
/// results are sorted for output and comparison.
bool row_less(const sql_row& a, const sql_row& b);

/// Combines the values' stable hashes in order (group keys).
uint64_t stable_hash(const sql_row& row);

struct sql_row_hash {
  size_t operator()(const sql_row& row) const {
    return static_cast<size_t>(stable_hash(row));
  }
};

} // namespace ubaflow
