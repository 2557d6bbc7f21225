#pragma once

// SQL LIKE: % matches any run of characters (also none), _ exactly one
// character (a UTF-8 code point), everything else itself, case-sensitive.
// Flink up to 1.20 (the seed's dialect) has no default escape character
// and the binder accepts no ESCAPE clause, so % and _ are always
// wildcards here.

#include <string_view>

namespace ubaflow {

bool like_matches(std::string_view text, std::string_view pattern);

} // namespace ubaflow
