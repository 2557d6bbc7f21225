#pragma once

// DECIMAL arithmetic on the scaled-int64 representation (sql_value.hpp):
// an unscaled integer and a scale. Intermediate results are computed in
// 128 bits, so rescaling and multiplying are exact; a final result that
// does not fit the target precision (or int64, i.e. 18 digits) is
// reported as nullopt, which the evaluator turns into NULL as Flink does
// for a decimal overflow. Rounding, where a scale shrinks, is HALF_UP
// (Flink's and Java BigDecimal's default for SQL decimals).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ubaflow {

/// A decimal number: unscaled * 10^-scale.
struct sql_decimal {
  int64_t unscaled = 0;
  uint32_t scale = 0;
};

/// The same number at `scale` (HALF_UP when digits are dropped); nullopt
/// if it does not fit `precision` digits (0: only int64's range).
std::optional<int64_t> decimal_rescale(sql_decimal value, uint32_t scale,
                                       uint32_t precision = 0);

/// a + b, a - b, a * b at the result's scale and precision; nullopt on
/// overflow.
std::optional<int64_t> decimal_add(sql_decimal a, sql_decimal b, uint32_t scale,
                                   uint32_t precision);
std::optional<int64_t> decimal_subtract(sql_decimal a, sql_decimal b,
                                        uint32_t scale, uint32_t precision);
std::optional<int64_t> decimal_multiply(sql_decimal a, sql_decimal b,
                                        uint32_t scale, uint32_t precision);
/// a / b and a % b; b must not be zero (the caller reports that).
std::optional<int64_t> decimal_divide(sql_decimal a, sql_decimal b,
                                      uint32_t scale, uint32_t precision);
std::optional<int64_t> decimal_modulo(sql_decimal a, sql_decimal b,
                                      uint32_t scale, uint32_t precision);

/// The integer part, truncated towards zero (CAST(1.9 AS INT) is 1).
int64_t decimal_truncate(sql_decimal value);

double decimal_to_double(sql_decimal value);

/// A double as a decimal at `scale` (HALF_UP); nullopt if it is not
/// finite or does not fit.
std::optional<int64_t> decimal_from_double(double value, uint32_t scale,
                                           uint32_t precision);

/// "-12.50" for (-1250, 2): every digit of the scale, as Flink prints.
std::string decimal_to_string(sql_decimal value);

/// Parses "[+-]digits[.digits]" (surrounding spaces allowed, also
/// "1e3"-style exponents) at `scale` and `precision`. Sets *invalid when
/// the text is no number; returns nullopt for that or an overflow.
std::optional<int64_t> decimal_parse(std::string_view text, uint32_t scale,
                                     uint32_t precision, bool* invalid);

/// Three-way comparison of two decimals of any scales.
int decimal_compare(sql_decimal a, sql_decimal b);

} // namespace ubaflow
