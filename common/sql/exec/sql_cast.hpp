#pragma once

// CAST between the types of the subset (sql_data_type.hpp's castable), as
// Flink 1.15+ does it without the legacy cast behaviour:
//   - text that is no value of the target type is an error (CAST) — the
//     caller turns it into NULL for TRY_CAST;
//   - numbers: to an integer type truncate towards zero and wrap to its
//     width (Java's narrowing); DOUBLE to an integer saturates first, NaN
//     is 0; a DECIMAL that does not fit its precision is NULL;
//   - BOOLEAN <-> numbers: TRUE is 1, any non-zero number is TRUE;
//   - strings: to CHAR(n) padded/cut to n, to VARCHAR(n) cut to n code
//     points; from timestamps 'yyyy-MM-dd HH:mm:ss[.f]' with the type's
//     fraction digits, from BOOLEAN TRUE/FALSE;
//   - TIMESTAMP -> TIMESTAMP_LTZ reads the wall clock in the job's zone;
//     TIMESTAMP_LTZ -> TIMESTAMP (and -> STRING, DATE) shows the instant
//     in that zone; a string -> TIMESTAMP_LTZ is wall-clock time there;
//   - TIMESTAMP(p) with p < 3 drops the digits beyond p.

#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_data_type.hpp"
#include "common/time/time_zone.hpp"

namespace ubaflow {

/// `value`, of type `from`, as type `to`; NULL stays NULL. Throws
/// sql_evaluation_error when the value cannot be converted.
sql_value cast_value(const sql_value& value, const data_type& from,
                     const data_type& to, const time_zone& zone);

/// Wraps an integer to the width of an integer type kind (TINYINT: 8
/// bits, SMALLINT: 16, INT: 32, BIGINT: unchanged), as Java's narrowing.
int64_t wrap_integer(int64_t value, data_type_kind kind);

/// A value as a STRING, as CAST(x AS STRING) gives it.
std::string cast_to_text(const sql_value& value, const data_type& from,
                         const time_zone& zone);

} // namespace ubaflow
