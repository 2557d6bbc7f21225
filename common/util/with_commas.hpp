#pragma once

#include <cstdint>
#include <string>

namespace ubaflow {

/// "1,234,567": figures people read in progress lines and summaries.
inline std::string with_commas(uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

} // namespace ubaflow
