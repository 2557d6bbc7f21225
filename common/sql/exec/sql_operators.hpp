#pragma once

// The operators of the subset on runtime values, with Flink's (Java's)
// semantics: arithmetic on integers wraps at the result type's width
// (BIGINT at 64 bits, INT at 32, ...) as Java's long and int do; integer
// and DECIMAL division or modulo by zero is an error (Flink throws an
// ArithmeticException; ubaflow rejects the row); DOUBLE follows IEEE
// (1.0 / 0 is Infinity); DECIMAL results that overflow are NULL. NULL in,
// NULL out.

#include "common/sql/exec/sql_truth.hpp"
#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"

namespace ubaflow {

/// a op b for add, subtract, multiply, divide, modulo: numbers computed in
/// the result type's family (integer, DOUBLE/FLOAT or DECIMAL at its
/// scale), or TIMESTAMP(_LTZ) +/- INTERVAL. Throws sql_evaluation_error on
/// division by zero.
sql_value apply_arithmetic(bound_function op, const sql_value& a, const sql_value& b,
                           const data_type& result);

/// -a in the result type.
sql_value apply_negate(const sql_value& a, const data_type& result);

/// a op b for equal .. greater_equal: NULL if either is NULL, else
/// BOOLEAN. Numbers compare across kinds by value; a DOUBLE NaN is equal
/// to nothing and unordered (as Java's primitive comparisons).
sql_value apply_comparison(bound_function op, const sql_value& a, const sql_value& b);
/// The same as a truth value (NULL is unknown): for conditions.
sql_truth comparison_truth(bound_function op, const sql_value& a, const sql_value& b);

/// A value in the representation of `type` (a BIGINT where the type is
/// DECIMAL or DOUBLE, a DECIMAL at another scale): how a CASE branch or a
/// value of a wider common type is made uniform. Other values unchanged.
sql_value coerce_numeric(const sql_value& value, const data_type& type);

} // namespace ubaflow
