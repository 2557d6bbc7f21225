#include "common/sql/sql_name_hints.hpp"

#include <algorithm>
#include <utility>

namespace ubaflow {

namespace {

constexpr size_t longest_compared_name = 256;

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  if (a.size() > longest_compared_name || b.size() > longest_compared_name)
    return a == b ? 0 : std::max(a.size(), b.size());
  // Three rows of the table: two letters swapped ("kafak") count as one
  // edit, the commonest typo (optimal string alignment distance).
  std::vector<size_t> before(b.size() + 1);
  std::vector<size_t> previous(b.size() + 1);
  std::vector<size_t> current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = lower(a[i - 1]) == lower(b[j - 1]);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2])
          && lower(a[i - 2]) == lower(b[j - 1]))
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::vector<std::string> nearest_names(std::string_view name,
                                       const std::vector<std::string>& candidates) {
  // A third of the name, at least 1 and at most 3: long dotted option keys
  // share most of their letters, so a larger budget suggests unrelated ones.
  const size_t allowed = std::min<size_t>(3, std::max<size_t>(1, name.size() / 3));
  std::vector<std::pair<size_t, std::string>> near;
  for (const auto& candidate : candidates) {
    if (candidate == name)
      continue;
    const size_t distance = edit_distance(name, candidate);
    if (distance > allowed)
      continue;
    const bool seen = std::any_of(near.begin(), near.end(),
                                  [&](const auto& n) { return n.second == candidate; });
    if (!seen)
      near.emplace_back(distance, candidate);
  }
  std::stable_sort(near.begin(), near.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < near.size() && i < 3; ++i)
    out.push_back(near[i].second);
  return out;
}

std::string did_you_mean(std::string_view name,
                         const std::vector<std::string>& candidates) {
  const auto near = nearest_names(name, candidates);
  if (near.empty())
    return {};
  std::string out = " (did you mean ";
  for (size_t i = 0; i < near.size(); ++i) {
    if (i > 0)
      out += i + 1 == near.size() ? " or " : ", ";
    out += near[i];
  }
  return out + "?)";
}

std::string comma_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names)
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string name_list(const std::vector<std::string>& names, size_t limit) {
  std::string out;
  const size_t shown = std::min(names.size(), limit);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0)
      out += i + 1 == shown && shown == names.size() ? " and " : ", ";
    out += names[i];
  }
  if (shown < names.size())
    out += " and " + std::to_string(names.size() - shown) + " more";
  return out;
}

} // namespace ubaflow
