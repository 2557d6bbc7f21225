#include "worker/parse/json_reader.hpp"

namespace ubaflow {

namespace {

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

} // namespace

bool json_reader::skip_utf8_sequence() {
  const size_t length = utf8_sequence(reinterpret_cast<const unsigned char*>(p_),
                                      reinterpret_cast<const unsigned char*>(end_));
  p_ += length;
  return length != 0;
}

bool json_reader::read_number(std::string_view& text) {
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

bool json_reader::skip_value(std::string& scratch, int depth) {
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

bool json_reader::read_escaped_string(const char* begin, std::string_view& content,
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

bool json_reader::read_hex4(uint32_t& out) {
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

} // namespace ubaflow
