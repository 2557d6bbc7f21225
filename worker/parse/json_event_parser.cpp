#include "worker/parse/json_event_parser.hpp"

#include <cstring>

namespace ubaflow {

namespace {

constexpr int max_depth = 64;

enum field_index : int {
  f_user = 0,
  f_item,
  f_category,
  f_behavior,
  f_ts,
  f_unknown,
};

constexpr const char* field_detail[] = {
  "field 'user_id'", "field 'item_id'", "field 'category_id'",
  "field 'behavior'", "field 'ts'",
};

/// Compares a key with a literal of known length (2 to 16 bytes) using
/// two overlapping word loads instead of a call to memcmp.
template <size_t N>
inline bool key_is(std::string_view key, const char (&literal)[N]) {
  constexpr size_t n = N - 1;
  static_assert(n >= 2 && n <= 16);
  if (key.size() != n)
    return false;
  auto load = [](const char* p, auto word) {
    std::memcpy(&word, p, sizeof word);
    return word;
  };
  if constexpr (n >= 8) {
    return load(key.data(), uint64_t{}) == load(literal, uint64_t{})
           && load(key.data() + n - 8, uint64_t{})
                == load(literal + n - 8, uint64_t{});
  } else if constexpr (n >= 4) {
    return load(key.data(), uint32_t{}) == load(literal, uint32_t{})
           && load(key.data() + n - 4, uint32_t{})
                == load(literal + n - 4, uint32_t{});
  } else {
    return load(key.data(), uint16_t{}) == load(literal, uint16_t{})
           && key[n - 1] == literal[n - 1];
  }
}

field_index classify_key(std::string_view key) {
  switch (key.size()) {
    case 2:
      return key_is(key, "ts") ? f_ts : f_unknown;
    case 7:
      if (key_is(key, "user_id"))
        return f_user;
      return key_is(key, "item_id") ? f_item : f_unknown;
    case 8:
      return key_is(key, "behavior") ? f_behavior : f_unknown;
    case 11:
      return key_is(key, "category_id") ? f_category : f_unknown;
    default:
      return f_unknown;
  }
}

/// Bytes that end the fast scan of a string's content: the closing quote,
/// a backslash, control characters and every non-ASCII byte.
struct string_stop_table {
  bool stop[256];
  constexpr string_stop_table() : stop() {
    for (int c = 0; c < 256; ++c)
      stop[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
  }
};
constexpr string_stop_table string_stops{};

inline bool is_ws(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Length of the valid UTF-8 sequence starting at p (lead byte >= 0x80),
/// or 0 if invalid (overlong forms, surrogates, > U+10FFFF, truncation).
size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  auto cont = [&](size_t i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF)
    return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2))
      return 0;
    if (c == 0xE0 && p[1] < 0xA0)
      return 0; // overlong
    if (c == 0xED && p[1] >= 0xA0)
      return 0; // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3))
      return 0;
    if (c == 0xF0 && p[1] < 0x90)
      return 0; // overlong
    if (c == 0xF4 && p[1] >= 0x90)
      return 0; // beyond U+10FFFF
    return 4;
  }
  return 0;
}

/// Cursor over one message. Every method returns false on a syntax error.
class reader {
public:
  reader(const char* begin, const char* end) : p_(begin), end_(end) {}

  void skip_ws() {
    while (p_ < end_ && is_ws(*p_))
      ++p_;
  }
  bool at_end() const { return p_ >= end_; }
  char peek() const { return p_ < end_ ? *p_ : '\0'; }
  bool consume(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  /// Reads a string (after its opening quote was seen at p_) and returns
  /// its content: a view into the message when it has no escapes, else
  /// the decoded text in `scratch`.
  bool read_string(std::string_view& content, std::string& scratch) {
    ++p_; // opening quote
    const char* begin = p_;
    while (p_ < end_) {
      while (p_ < end_ && !string_stops.stop[static_cast<unsigned char>(*p_)])
        ++p_;
      if (p_ >= end_)
        break;
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        content = std::string_view(begin, static_cast<size_t>(p_ - begin));
        ++p_;
        return true;
      }
      if (c == '\\')
        return read_escaped_string(begin, content, scratch);
      if (c < 0x20)
        return false;
      if (c >= 0x80) {
        size_t len = utf8_sequence(reinterpret_cast<const unsigned char*>(p_),
                                   reinterpret_cast<const unsigned char*>(end_));
        if (len == 0)
          return false;
        p_ += len;
      } else {
        ++p_;
      }
    }
    return false;
  }

  /// Reads a number and returns its text; checks the JSON number grammar.
  bool read_number(std::string_view& text) {
    const char* begin = p_;
    consume('-');
    if (consume('0')) {
      // no leading zeros
    } else if (p_ < end_ && *p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && is_digit(*p_))
        ++p_;
    } else {
      return false;
    }
    if (consume('.')) {
      if (!(p_ < end_ && is_digit(*p_)))
        return false;
      while (p_ < end_ && is_digit(*p_))
        ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (!consume('+'))
        consume('-');
      if (!(p_ < end_ && is_digit(*p_)))
        return false;
      while (p_ < end_ && is_digit(*p_))
        ++p_;
    }
    text = std::string_view(begin, static_cast<size_t>(p_ - begin));
    return true;
  }

  bool read_literal(const char* word, size_t len) {
    if (static_cast<size_t>(end_ - p_) < len || std::memcmp(p_, word, len) != 0)
      return false;
    p_ += len;
    return true;
  }

  /// Validates and skips any JSON value.
  /// `depth` is the nesting level of the container holding the value (the
  /// outer object is level 1); a container value opens level depth + 1.
  bool skip_value(std::string& scratch, int depth) {
    if (depth >= max_depth && (peek() == '{' || peek() == '['))
      return false;
    switch (peek()) {
      case '"': {
        std::string_view ignored;
        return read_string(ignored, scratch);
      }
      case '{': {
        ++p_;
        skip_ws();
        if (consume('}'))
          return true;
        for (;;) {
          skip_ws();
          if (peek() != '"')
            return false;
          std::string_view ignored;
          if (!read_string(ignored, scratch))
            return false;
          skip_ws();
          if (!consume(':'))
            return false;
          skip_ws();
          if (!skip_value(scratch, depth + 1))
            return false;
          skip_ws();
          if (consume('}'))
            return true;
          if (!consume(','))
            return false;
        }
      }
      case '[': {
        ++p_;
        skip_ws();
        if (consume(']'))
          return true;
        for (;;) {
          skip_ws();
          if (!skip_value(scratch, depth + 1))
            return false;
          skip_ws();
          if (consume(']'))
            return true;
          if (!consume(','))
            return false;
        }
      }
      case 't':
        return read_literal("true", 4);
      case 'f':
        return read_literal("false", 5);
      case 'n':
        return read_literal("null", 4);
      default: {
        std::string_view ignored;
        return read_number(ignored);
      }
    }
  }

private:
  bool read_escaped_string(const char* begin, std::string_view& content,
                           std::string& scratch) {
    scratch.assign(begin, static_cast<size_t>(p_ - begin));
    while (p_ < end_) {
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        content = scratch;
        return true;
      }
      if (c < 0x20)
        return false;
      if (c == '\\') {
        if (++p_ >= end_)
          return false;
        switch (*p_++) {
          case '"':
            scratch.push_back('"');
            break;
          case '\\':
            scratch.push_back('\\');
            break;
          case '/':
            scratch.push_back('/');
            break;
          case 'b':
            scratch.push_back('\b');
            break;
          case 'f':
            scratch.push_back('\f');
            break;
          case 'n':
            scratch.push_back('\n');
            break;
          case 'r':
            scratch.push_back('\r');
            break;
          case 't':
            scratch.push_back('\t');
            break;
          case 'u': {
            uint32_t cp = 0;
            if (!read_hex4(cp))
              return false;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              uint32_t low = 0;
              if (!(consume('\\') && consume('u') && read_hex4(low))
                  || low < 0xDC00 || low > 0xDFFF)
                return false;
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              return false; // lone low surrogate
            }
            append_utf8(scratch, cp);
            break;
          }
          default:
            return false;
        }
        continue;
      }
      if (c >= 0x80) {
        size_t len = utf8_sequence(reinterpret_cast<const unsigned char*>(p_),
                                   reinterpret_cast<const unsigned char*>(end_));
        if (len == 0)
          return false;
        scratch.append(p_, len);
        p_ += len;
      } else {
        scratch.push_back(static_cast<char>(c));
        ++p_;
      }
    }
    return false;
  }

  bool read_hex4(uint32_t& out) {
    if (end_ - p_ < 4)
      return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      int v = hex_value(p_[i]);
      if (v < 0)
        return false;
      out = (out << 4) | static_cast<uint32_t>(v);
    }
    p_ += 4;
    return true;
  }

  const char* p_;
  const char* end_;
};

/// Parses a JSON integer literal's text (already grammar-checked).
bool integral_json_number(std::string_view text, int64_t& out) {
  if (text.find_first_of(".eE") != std::string_view::npos)
    return false;
  return parse_decimal_id(text, out);
}

} // namespace

bool parse_decimal_id(std::string_view text, int64_t& out) {
  const char* p = text.data();
  const char* end = p + text.size();
  // Fast path: plain digits, at most 18 of them (cannot overflow).
  if (end - p > 0 && end - p <= 18) {
    uint64_t value = 0;
    const char* q = p;
    while (q < end && static_cast<unsigned>(*q - '0') < 10)
      value = value * 10 + static_cast<unsigned>(*q++ - '0');
    if (q == end) {
      out = static_cast<int64_t>(value);
      return true;
    }
  }
  while (p < end && *p == ' ')
    ++p;
  while (end > p && end[-1] == ' ')
    --end;
  bool negative = false;
  if (p < end && (*p == '-' || *p == '+')) {
    negative = *p == '-';
    ++p;
  }
  if (p == end)
    return false;
  uint64_t value = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (; p < end; ++p) {
    if (!is_digit(*p))
      return false;
    const uint64_t digit = static_cast<uint64_t>(*p - '0');
    if (value > (limit - digit) / 10)
      return false;
    value = value * 10 + digit;
  }
  out = negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return true;
}

json_event_parser::json_event_parser(timestamp_parser timestamps)
  : timestamps_(std::move(timestamps)) {
  scratch_.reserve(256);
  key_scratch_.reserve(64);
}

parse_status json_event_parser::parse(std::string_view message,
                                      user_event& out) {
  constexpr parse_status malformed{reject_reason::malformed_record, "json"};
  reader in(message.data(), message.data() + message.size());
  in.skip_ws();
  if (!in.consume('{'))
    return malformed;

  unsigned seen = 0; // bit per field_index with a non-null value
  // The error of each field's last occurrence (duplicates keep the last
  // value), and when it occurred: the earliest one is reported.
  parse_status field_errors[f_unknown];
  unsigned error_order[f_unknown] = {};
  unsigned occurrence = 0;
  auto set_error = [&](field_index field, parse_status status) {
    field_errors[field] = status;
    error_order[field] = occurrence;
  };
  auto fail_field = [&](reject_reason reason, field_index field) {
    set_error(field, {reason, field_detail[field]});
  };

  in.skip_ws();
  if (!in.consume('}')) {
    for (;;) {
      in.skip_ws();
      if (in.peek() != '"')
        return malformed;
      std::string_view key;
      if (!in.read_string(key, key_scratch_))
        return malformed;
      in.skip_ws();
      if (!in.consume(':'))
        return malformed;
      in.skip_ws();
      const field_index field = classify_key(key);
      const char next = in.peek();
      ++occurrence;
      if (field != f_unknown)
        field_errors[field] = {};
      if (field == f_unknown) {
        if (!in.skip_value(scratch_, 1))
          return malformed;
      } else if (next == 'n') {
        if (!in.read_literal("null", 4))
          return malformed;
        seen &= ~(1u << field); // null counts as missing
      } else if (next == '"') {
        std::string_view text;
        if (!in.read_string(text, scratch_))
          return malformed;
        seen |= 1u << field;
        switch (field) {
          case f_user:
          case f_item:
          case f_category: {
            int64_t* target = field == f_user   ? &out.user_id
                              : field == f_item ? &out.item_id
                                                : &out.category_id;
            if (!parse_decimal_id(text, *target))
              fail_field(reject_reason::invalid_id, field);
            break;
          }
          case f_behavior:
            if (auto kind = behavior_from_string(text))
              out.kind = *kind;
            else
              fail_field(reject_reason::unknown_behavior, field);
            break;
          case f_ts: {
            auto status = timestamps_.parse_text(text, out.ts);
            if (!status.ok())
              set_error(field, status);
            break;
          }
          default:
            break;
        }
      } else if (next == '-' || is_digit(next)) {
        std::string_view number;
        if (!in.read_number(number))
          return malformed;
        seen |= 1u << field;
        switch (field) {
          case f_user:
          case f_item:
          case f_category: {
            int64_t* target = field == f_user   ? &out.user_id
                              : field == f_item ? &out.item_id
                                                : &out.category_id;
            if (!integral_json_number(number, *target))
              fail_field(reject_reason::invalid_id, field);
            break;
          }
          case f_behavior:
            fail_field(reject_reason::unknown_behavior, field);
            break;
          case f_ts: {
            auto status = timestamps_.parse_number(number, out.ts);
            if (!status.ok())
              set_error(field, status);
            break;
          }
          default:
            break;
        }
      } else {
        // true, false, objects and arrays: well-formed but the wrong type.
        if (!in.skip_value(scratch_, 1))
          return malformed;
        seen |= 1u << field;
        fail_field(field == f_behavior ? reject_reason::unknown_behavior
                   : field == f_ts     ? reject_reason::invalid_timestamp
                                       : reject_reason::invalid_id,
                   field);
      }
      in.skip_ws();
      if (in.consume('}'))
        break;
      if (!in.consume(','))
        return malformed;
    }
  }
  in.skip_ws();
  if (!in.at_end())
    return malformed; // trailing content after the object

  constexpr unsigned all_fields = (1u << f_unknown) - 1;
  if (seen != all_fields) {
    for (int f = f_user; f < f_unknown; ++f)
      if (!(seen & (1u << f)))
        return {reject_reason::missing_field, field_detail[f]};
  }
  int first = -1;
  for (int f = f_user; f < f_unknown; ++f)
    if (!field_errors[f].ok() && (first < 0 || error_order[f] < error_order[first]))
      first = f;
  return first < 0 ? parse_status{} : field_errors[first];
}

} // namespace ubaflow
