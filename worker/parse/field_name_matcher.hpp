#pragma once

// Finds which of a table's columns a JSON record's key names, without a
// call to memcmp per candidate: a key of up to 16 bytes is compared with a
// name of its length in two overlapping word loads
// (json_reader::same_bytes, as the built-in parser compares its five names
// known at compile time). The records of a topic list their
// fields in one order, so the name after the one found last is tried
// first: usually one comparison. Before that, the reader compares the
// record's bytes at a key with that name and its closing quote
// (expected(), quoted(), json_reader::consume_exact_string): a key that
// matches is not even scanned for its end.

#include "worker/parse/json_reader.hpp"

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
        found(static_cast<int>(i));
        return static_cast<int>(i);
      }
    return -1;
  }

private:
  struct entry {
    std::string name;
    std::string quoted; ///< name + '"', or empty (see quoted())
  };

  static entry entry_for(const std::string& name) {
    entry e;
    e.name = name;
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
    return key.size() == e.name.size()
           && json_reader::same_bytes(key.data(), e.name.data(), key.size());
  }

  std::vector<entry> names_;
  size_t next_ = 0; ///< the name tried first
};

} // namespace ubaflow
