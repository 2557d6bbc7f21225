#pragma once

// Finds which of a table's columns a JSON record's key names, without a
// call to memcmp per candidate: each name is kept with its length and the
// first and last bytes of it as machine words, so a key of up to 16 bytes
// is compared in two loads (the built-in parser does the same with its
// five names known at compile time). The records of a topic list their
// fields in one order, so the name after the one found last is tried
// first: usually one comparison. Before that, the reader compares the
// record's bytes at a key with that name and its closing quote
// (expected(), quoted(), json_reader::consume_exact_string): a key that
// matches is not even scanned for its end.

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

  /// The name tried first (the one after the name found last), or -1.
  int expected() const { return names_.empty() ? -1 : static_cast<int>(next_); }
  /// Name `i` followed by a closing quote, as it is written in a record
  /// when it needs no escape; empty when it would (a quote, a backslash or
  /// a control character in it): then only find() recognises it.
  std::string_view quoted(int i) const { return names_[static_cast<size_t>(i)].quoted; }
  /// Name `i` was found (by its quoted form): the next one is tried first.
  void found(int i) {
    const auto at = static_cast<size_t>(i) + 1;
    next_ = at == names_.size() ? 0 : at;
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
    std::string quoted; ///< name + '"', or empty (see quoted())
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
    // Printable ASCII but a quote or a backslash: what a JSON string holds
    // as it is, so matching its bytes is matching the string (other names
    // are read and checked by read_string, then found by find()).
    bool plain = !name.empty();
    for (const char c : name) {
      const auto b = static_cast<unsigned char>(c);
      plain = plain && b >= 0x20 && b < 0x80 && c != '"' && c != '\\';
    }
    if (plain)
      e.quoted = name + '"';
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
