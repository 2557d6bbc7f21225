#pragma once

// Calendar functions on wall-clock time: DATE_FORMAT's patterns, EXTRACT
// and HOUR. They read local millis (a TIMESTAMP as it is, a TIMESTAMP_LTZ
// after the evaluator turned it into the job zone's wall clock), so the
// zone is decided in one place, the evaluator.

#include "common/sql/sql_ast.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ubaflow {

/// Formats local millis with a Java date pattern of the letters the binder
/// allows (y M d H m s S): a run of a letter pads its number to the run's
/// length, `yy` is the year's last two digits, `MMM` / `MMMM` the month's
/// English short / full name, a run of S the leading digits of the
/// second's fraction. Text in single quotes is copied ('' is a quote);
/// any other character is copied as it is.
std::string format_date_pattern(int64_t local_ms, std::string_view pattern);

/// EXTRACT(unit FROM t) of local millis: SECOND, MINUTE, HOUR, DAY (of the
/// month), MONTH, YEAR.
int64_t extract_field(int64_t local_ms, time_unit unit);

} // namespace ubaflow
