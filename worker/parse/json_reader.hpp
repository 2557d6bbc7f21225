#pragma once

// A strict single-pass cursor over one JSON text (RFC 8259): what both
// record parsers use, json_event_parser (the seed's five fields) and
// sql_row_decoder (a SQL table's columns by name). Strings are checked for
// valid UTF-8 and handed over as views of the input unless they hold
// escapes (then decoded into a caller's buffer); numbers are checked
// against the grammar and handed over as written; any other value can be
// validated and skipped, nested at most max_depth deep. Nothing is
// allocated except a decoded string's buffer.
//
// Every method returns false on a syntax error; the cursor is then
// somewhere inside the input and the text is malformed.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ubaflow {

/// Bytes that end the fast scan of a string: the closing quote, a
/// backslash, control characters and every non-ASCII byte (a table: one
/// load per byte).
struct json_string_stop_table {
  bool stop[256];
  constexpr json_string_stop_table() : stop() {
    for (int c = 0; c < 256; ++c)
      stop[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
  }
};
inline constexpr json_string_stop_table json_string_stops{};

class json_reader {
public:
  /// Containers nested deeper than this are refused (the outer object is
  /// level 1).
  static constexpr int max_depth = 64;

  explicit json_reader(std::string_view text)
    : p_(text.data()), end_(text.data() + text.size()) {}

  void skip_ws() {
    while (p_ < end_ && is_ws(*p_))
      ++p_;
  }
  bool at_end() const { return p_ >= end_; }
  /// What follows, '\0' at the end.
  char peek() const { return p_ < end_ ? *p_ : '\0'; }
  /// The input not read yet.
  std::string_view rest() const {
    return {p_, static_cast<size_t>(end_ - p_)};
  }
  bool consume(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  /// Steps over the string at the cursor (its opening quote) when its
  /// bytes are exactly `body_and_quote`: a text that needs no escape in
  /// JSON and is valid UTF-8 (the caller's promise), then its closing
  /// quote. One comparison instead of a scan: how a record's keys, which
  /// come in the same order record after record, are recognised.
  bool consume_exact_string(std::string_view body_and_quote) {
    const size_t n = body_and_quote.size();
    if (static_cast<size_t>(end_ - p_) <= n || *p_ != '"'
        || !same_bytes(p_ + 1, body_and_quote.data(), n))
      return false;
    p_ += 1 + n;
    return true;
  }

  /// Reads a string (its opening quote is at the cursor) and gives its
  /// content: a view of the input when it has no escapes, else the
  /// decoded text in `scratch`.
  bool read_string(std::string_view& content, std::string& scratch) {
    ++p_; // opening quote
    const char* begin = p_;
    while (p_ < end_) {
      skip_plain();
      if (p_ >= end_)
        break;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        content = std::string_view(begin, static_cast<size_t>(p_ - begin));
        ++p_;
        return true;
      }
      if (c == '\\')
        return read_escaped_string(begin, content, scratch);
      if (c < 0x20 || !skip_utf8_sequence())
        return false;
    }
    return false;
  }

  /// Reads a string of 1 to 18 ASCII digits and nothing else (an id as
  /// the seed's records hold it: "419437") as its value and its digits;
  /// any other string is left unread (false, the cursor where it was) for
  /// read_string. One pass, where read_string and a parse of its result
  /// would take two; up to 7 digits (every id of the seed's data) in one
  /// word, without a loop.
  bool read_digit_string(int64_t& value, std::string_view& digits) {
    const char* begin = p_ + 1; // past the opening quote
    size_t length = 0;
    uint64_t v = 0;
    if (end_ - begin >= 8) {
      uint64_t w;
      std::memcpy(&w, begin, sizeof w);
      const uint64_t offsets = w ^ (ones * '0'); // a digit's byte: 0 to 9
      // A byte's high bit set when it is no digit (above 9 after the add,
      // or above 0x7f); a carry runs upwards from a flagged byte only, so
      // the lowest flag is exact.
      const uint64_t others = ((offsets + ones * 0x76) | offsets) & highs;
      length = others == 0 ? 8 : static_cast<size_t>(__builtin_ctzll(others)) / 8;
      if (length == 0)
        return false;
      if (length < 8)
        v = eight_digits(offsets << (8 * (8 - length))); // leading zeros
    }
    if (length == 0 || length == 8) { // near the end, or 8 and more digits
      const char* limit = end_ - begin > 19 ? begin + 19 : end_;
      const char* q = begin;
      v = 0;
      while (q < limit && is_digit(*q))
        v = v * 10 + static_cast<unsigned>(*q++ - '0');
      length = static_cast<size_t>(q - begin);
    }
    const char* close = begin + length;
    if (length == 0 || length > 18 || close >= end_ || *close != '"')
      return false;
    value = static_cast<int64_t>(v);
    digits = std::string_view(begin, length);
    p_ = close + 1;
    return true;
  }

  /// Reads a number and gives its text, checked against the grammar.
  bool read_number(std::string_view& text);

  /// `word` (true, false, null) at the cursor.
  bool read_literal(const char* word, size_t length) {
    if (static_cast<size_t>(end_ - p_) < length
        || std::memcmp(p_, word, length) != 0)
      return false;
    p_ += length;
    return true;
  }

  /// Validates and skips any value. `depth`: the nesting level of the
  /// container holding it; a container value opens level depth + 1.
  bool skip_value(std::string& scratch, int depth);

  /// `a[0, n)` equals `b[0, n)`: up to 16 bytes in two overlapping word
  /// loads each, inline (a call to memcmp per key cost as much as the
  /// scan it saves).
  static bool same_bytes(const char* a, const char* b, size_t n) {
    auto load = [](const char* p, auto word) {
      std::memcpy(&word, p, sizeof word);
      return word;
    };
    if (n >= 8 && n <= 16)
      return load(a, uint64_t{}) == load(b, uint64_t{})
             && load(a + n - 8, uint64_t{}) == load(b + n - 8, uint64_t{});
    if (n >= 4 && n < 8)
      return load(a, uint32_t{}) == load(b, uint32_t{})
             && load(a + n - 4, uint32_t{}) == load(b + n - 4, uint32_t{});
    if (n > 16)
      return std::memcmp(a, b, n) == 0;
    for (size_t i = 0; i < n; ++i)
      if (a[i] != b[i])
        return false;
    return true;
  }

  static bool is_ws(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

private:
  static constexpr uint64_t ones = 0x0101010101010101ULL;
  static constexpr uint64_t highs = 0x8080808080808080ULL;

  /// The value of eight decimal digits given as bytes 0 to 9, the first
  /// (most significant) in the lowest byte: pairs, then fours, then all
  /// eight combined by multiplication (little-endian).
  static uint32_t eight_digits(uint64_t w) {
    w = (w * 10) + (w >> 8); // byte 2k: digits 2k and 2k+1
    return static_cast<uint32_t>(
      (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32)))
       + (((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))))
      >> 32);
  }

  static bool stops(char c) {
    return json_string_stops.stop[static_cast<unsigned char>(c)];
  }
  /// Moves the cursor to the next byte that stops a string's fast scan
  /// (or the end): eight bytes per step while eight are left, each word
  /// tested at once for a quote, a backslash, a control byte or a high
  /// bit. A test may also flag bytes above a flagged one (a borrow runs
  /// upwards), never below it, so the lowest flag is exact.
  void skip_plain() {
    static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
                  "the lowest flag is the first byte on little-endian only");
    auto zero_bytes = [](uint64_t x) { return (x - ones) & ~x & highs; };
    while (end_ - p_ >= 8) {
      uint64_t w;
      std::memcpy(&w, p_, sizeof w);
      const uint64_t flags = zero_bytes(w ^ (ones * '"'))
                             | zero_bytes(w ^ (ones * '\\'))
                             | ((w - ones * 0x20) & ~w & highs) // < 0x20
                             | (w & highs);                     // >= 0x80
      if (flags != 0) {
        p_ += __builtin_ctzll(flags) / 8; // little-endian: lowest byte first
        return;
      }
      p_ += 8;
    }
    while (p_ < end_ && !stops(*p_))
      ++p_;
  }
  /// Steps over one valid UTF-8 sequence (its lead byte >= 0x80).
  bool skip_utf8_sequence();
  bool read_escaped_string(const char* begin, std::string_view& content,
                           std::string& scratch);
  bool read_hex4(uint32_t& out);

  const char* p_;
  const char* end_;
};

} // namespace ubaflow
