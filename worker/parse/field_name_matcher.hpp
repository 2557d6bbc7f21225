#pragma once

// Finds which of a table's columns a JSON record's key names, without a
// call to memcmp per candidate: each name is kept with its length and the
// first and last bytes of it as machine words, so a key of up to 16 bytes
// is compared in two loads (the built-in parser does the same with its
// five names known at compile time). The records of a topic list their
// fields in one order, so the name after the one found last is tried
// first: usually one comparison.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

class field_name_matcher {
public:
  explicit field_name_matcher(const std::vector<std::string>& names) {
    names_.reserve(names.size());
    for (const auto& name : names)
      names_.push_back(entry_for(name));
  }

  /// The index of the name `key` spells, or -1.
  int find(std::string_view key) {
    const size_t n = names_.size();
    if (n == 0)
      return -1;
    size_t i = next_;
    for (size_t tried = 0; tried < n; ++tried, i = i + 1 == n ? 0 : i + 1)
      if (matches(names_[i], key)) {
        next_ = i + 1 == n ? 0 : i + 1;
        return static_cast<int>(i);
      }
    return -1;
  }

private:
  struct entry {
    size_t size = 0;
    uint64_t head = 0; ///< the first word of the name (as compared)
    uint64_t tail = 0; ///< the last word, overlapping the first if short
    std::string name;
  };

  /// The first and last bytes of `p[0, size)` as words of the width the
  /// size allows (8, 4, 2 or 1 bytes; zero-extended).
  static void words(const char* p, size_t size, uint64_t& head, uint64_t& tail) {
    auto load = [p](size_t at, auto word) {
      std::memcpy(&word, p + at, sizeof word);
      return static_cast<uint64_t>(word);
    };
    if (size >= 8) {
      head = load(0, uint64_t{});
      tail = load(size - 8, uint64_t{});
    } else if (size >= 4) {
      head = load(0, uint32_t{});
      tail = load(size - 4, uint32_t{});
    } else if (size >= 2) {
      head = load(0, uint16_t{});
      tail = load(size - 1, uint8_t{});
    } else {
      head = size == 1 ? load(0, uint8_t{}) : 0;
      tail = head;
    }
  }

  static entry entry_for(const std::string& name) {
    entry e;
    e.size = name.size();
    e.name = name;
    words(name.data(), name.size(), e.head, e.tail);
    return e;
  }

  static bool matches(const entry& e, std::string_view key) {
    if (key.size() != e.size)
      return false;
    uint64_t head = 0;
    uint64_t tail = 0;
    words(key.data(), key.size(), head, tail);
    if (head != e.head || tail != e.tail)
      return false;
    // Past 16 bytes the two words leave a middle to compare.
    return e.size <= 16
           || std::memcmp(key.data() + 8, e.name.data() + 8, e.size - 16) == 0;
  }

  std::vector<entry> names_;
  size_t next_ = 0; ///< the name tried first
};

} // namespace ubaflow
