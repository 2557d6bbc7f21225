#include "common/sql/exec/sql_like.hpp"

namespace ubaflow {

namespace {

/// Bytes of the UTF-8 code point starting at text[i] (1 for a stray
/// continuation byte, so malformed text still advances).
size_t code_point_length(std::string_view text, size_t i) {
  size_t n = 1;
  while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80)
    ++n;
  return n;
}

} // namespace

bool like_matches(std::string_view text, std::string_view pattern) {
  // Greedy matching with backtracking to the last %: linear in practice,
  // at worst text × pattern, never exponential.
  size_t t = 0, p = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    if (p < pattern.size() && pattern[p] == '_') {
      t += code_point_length(text, t);
      p += 1;
      continue;
    }
    if (p < pattern.size() && pattern[p] == text[t]) {
      ++t;
      ++p;
      continue;
    }
    if (star_p == std::string_view::npos)
      return false;
    // Let the last % swallow one more code point and retry from there.
    star_t += code_point_length(text, star_t);
    t = star_t;
    p = star_p;
  }
  while (p < pattern.size() && pattern[p] == '%')
    ++p;
  return p == pattern.size();
}

} // namespace ubaflow
