#pragma once

#include <string>
#include <string_view>

namespace ubaflow {

/// Appends `text` as a JSON string literal (with quotes) to `out`. Invalid
/// UTF-8 bytes are replaced by U+FFFD so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

/// `text` as a JSON string literal.
std::string json_string(std::string_view text);

/// A printable, escaped, length-limited preview of raw bytes for logs
/// (never more than `limit` input bytes).
std::string preview_bytes(std::string_view bytes, size_t limit = 200);

} // namespace ubaflow
