#pragma once

// "did you mean ...?" for names that do not resolve (tables, views,
// columns, aliases, functions, connectors and their options): the known
// names nearest by edit distance, case differences first, since Flink's
// names are case-sensitive and `u.proctime` for `U.proctime` is the
// likeliest slip.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Edit distance ignoring ASCII case (insertions, deletions, substitutions
/// and swaps of neighbours count one each); names longer than 256
/// characters are never near anything (the cost stays bounded).
size_t edit_distance(std::string_view a, std::string_view b);

/// Up to three of `candidates` near `name` (distance at most a third of
/// its length, at least 1 and at most 3; equal but for case counts 0),
/// nearest first.
std::vector<std::string> nearest_names(std::string_view name,
                                       const std::vector<std::string>& candidates);

/// " (did you mean x?)", " (did you mean x or y?)", or "" when nothing is
/// near.
std::string did_you_mean(std::string_view name,
                         const std::vector<std::string>& candidates);

/// "a, b, c": as SQL lists names.
std::string comma_list(const std::vector<std::string>& names);

/// "a, b and c" (at most `limit` names, then "and n more").
std::string name_list(const std::vector<std::string>& names, size_t limit = 8);

} // namespace ubaflow
