#pragma once

// An id column's text as an integer: what the seed's messages carry in
// strings ("user_id":"1"), read as Flink's converter reads it.

#include <cstdint>
#include <string_view>

namespace ubaflow {

/// Parses an optionally signed decimal integer with optional surrounding
/// ASCII spaces into `out`; false on anything else or on overflow.
bool parse_decimal_id(std::string_view text, int64_t& out);

} // namespace ubaflow
