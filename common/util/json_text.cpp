#include "common/util/json_text.hpp"

#include <cstdio>

namespace ubaflow {

namespace {

/// Length of the valid UTF-8 sequence at p, or 0.
size_t valid_utf8_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = *p;
  auto cont = [&](size_t i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2) || (c == 0xE0 && p[1] < 0xA0)
        || (c == 0xED && p[1] >= 0xA0))
      return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3) || (c == 0xF0 && p[1] < 0x90)
        || (c == 0xF4 && p[1] >= 0x90))
      return 0;
    return 4;
  }
  return 0;
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  auto p = reinterpret_cast<const unsigned char*>(text.data());
  auto end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    switch (c) {
      case '"':
        out += "\\\"";
        ++p;
        continue;
      case '\\':
        out += "\\\\";
        ++p;
        continue;
      case '\n':
        out += "\\n";
        ++p;
        continue;
      case '\r':
        out += "\\r";
        ++p;
        continue;
      case '\t':
        out += "\\t";
        ++p;
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      ++p;
      continue;
    }
    const size_t len = valid_utf8_length(p, end);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++p;
    } else {
      out.append(reinterpret_cast<const char*>(p), len);
      p += len;
    }
  }
  out.push_back('"');
}

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

std::string preview_bytes(std::string_view bytes, size_t limit) {
  std::string out;
  const size_t n = bytes.size() < limit ? bytes.size() : limit;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (bytes.size() > limit)
    out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

} // namespace ubaflow
