#include "coordinator/rest/route_table.hpp"

namespace ubaflow {

std::vector<std::string> pattern_segments(std::string_view pattern) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= pattern.size()) {
    auto slash = pattern.find('/', start);
    if (slash == std::string_view::npos)
      slash = pattern.size();
    if (slash > start)
      out.emplace_back(pattern.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool match_pattern(const std::vector<std::string>& pattern,
                   const std::vector<std::string>& segments, route_match& m) {
  if (pattern.size() != segments.size())
    return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (!pattern[i].empty() && pattern[i][0] == ':')
      m.params[pattern[i]] = segments[i];
    else if (pattern[i] != segments[i])
      return false;
  }
  return true;
}

} // namespace ubaflow
