#pragma once

// Values as text and back, the way Flink prints and parses them in CAST
// (since Flink 1.15, without the legacy cast behaviour): integers in
// decimal, DOUBLE/FLOAT as Java's Double.toString/Float.toString, BOOLEAN
// as TRUE/FALSE, timestamps as 'yyyy-MM-dd HH:mm:ss' with as many fraction
// digits as the type's precision. Parsing trims surrounding whitespace and
// gives nullopt for text that is not a value of the type.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ubaflow {

/// 'yyyy-MM-dd HH:mm:ss' plus '.' and `precision` fraction digits (0: none;
/// beyond 3 the digits past milliseconds are zeros) of local millis.
std::string format_sql_timestamp(int64_t local_ms, uint32_t precision);

/// 'yyyy-MM-dd' of days since 1970-01-01.
std::string format_sql_date(int64_t days);

/// Local millis of 'yyyy-MM-dd', 'yyyy-MM-dd HH:mm', 'yyyy-MM-dd HH:mm:ss'
/// or with a fraction of 1 to 9 digits (beyond milliseconds truncated); a
/// 'T' may separate date and time. Months and days must exist.
std::optional<int64_t> parse_sql_timestamp(std::string_view text);

/// Days of 'yyyy-MM-dd' (a real date).
std::optional<int64_t> parse_sql_date(std::string_view text);

/// Java's Double.toString (is_float: Float.toString): "1.0", "0.001",
/// "1.0E7", "1.0E-4", "NaN", "Infinity", with the fewest digits that read
/// back as the same number.
std::string format_java_double(double value, bool is_float);

/// "[+-]digits" in int64's range.
std::optional<int64_t> parse_sql_integer(std::string_view text);

/// A decimal or scientific number, "NaN", "Infinity", "-Infinity".
std::optional<double> parse_sql_double(std::string_view text);

/// Flink's string to BOOLEAN: true/t/yes/y/1 and false/f/no/n/0, any case.
std::optional<bool> parse_sql_boolean(std::string_view text);

/// The text without leading and trailing whitespace.
std::string_view trim_sql_text(std::string_view text);

} // namespace ubaflow
