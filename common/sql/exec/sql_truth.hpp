#pragma once

// SQL's three truth values (issue 13): what a condition is, before a WHERE
// or FILTER keeps a row only when it is TRUE. NULL is `unknown`; AND and OR
// follow SQL's three-valued logic (FALSE AND NULL is FALSE, TRUE OR NULL
// is TRUE, otherwise NULL wins).

#include "common/sql/exec/sql_value.hpp"

#include <cstdint>

namespace ubaflow {

enum class sql_truth : uint8_t { false_, true_, unknown };

/// NULL, or the BOOLEAN's truth.
inline sql_truth truth_of(const sql_value& v) {
  if (v.is_null())
    return sql_truth::unknown;
  return v.as_boolean() ? sql_truth::true_ : sql_truth::false_;
}

inline sql_value from_truth(sql_truth t) {
  return t == sql_truth::unknown ? sql_value::null()
                                 : sql_value::boolean(t == sql_truth::true_);
}

inline sql_truth negate(sql_truth t) {
  if (t == sql_truth::unknown)
    return t;
  return t == sql_truth::true_ ? sql_truth::false_ : sql_truth::true_;
}

/// a AND b.
inline sql_truth both(sql_truth a, sql_truth b) {
  if (a == sql_truth::false_ || b == sql_truth::false_)
    return sql_truth::false_;
  return a == sql_truth::true_ && b == sql_truth::true_ ? sql_truth::true_
                                                        : sql_truth::unknown;
}

/// a OR b: NOT (NOT a AND NOT b).
inline sql_truth either(sql_truth a, sql_truth b) {
  return negate(both(negate(a), negate(b)));
}

} // namespace ubaflow
