#pragma once

#include "common/protocol/reject_reason.hpp"
#include "worker/parse/timestamp_parser.hpp"
#include "worker/parse/user_event.hpp"

#include <string>
#include <string_view>

namespace ubaflow {

/// Turns one Kafka message of the seed's shape
///   {"user_id":"1","item_id":"2","category_id":"3","behavior":"buy","ts":"…"}
/// into a `user_event`, or says why not.
///
/// The parser is a strict, single-pass JSON reader specialised for flat
/// objects: the whole message must be one well-formed JSON object (RFC 8259,
/// valid UTF-8, nesting at most 64 deep), unknown fields are validated and
/// ignored, duplicate fields keep the last value. Ids are JSON integers or
/// strings holding an optionally signed decimal integer (surrounding spaces
/// allowed, as Flink's converter does); fractions are rejected. All five
/// fields are required. A syntax error wins over a field error.
///
/// Not thread-safe: one instance per source.
class json_event_parser {
public:
  explicit json_event_parser(timestamp_parser timestamps);

  parse_status parse(std::string_view message, user_event& out);

  timestamp_parser& timestamps() { return timestamps_; }

private:
  timestamp_parser timestamps_;
  std::string scratch_; // unescaped string contents
  std::string key_scratch_;
};

/// Parses an optionally signed decimal integer with optional surrounding
/// ASCII spaces into `out`; false on anything else or on overflow.
bool parse_decimal_id(std::string_view text, int64_t& out);

} // namespace ubaflow
