#include "worker/parse/json_event_parser.hpp"

#include "worker/parse/json_reader.hpp"

#include <cstring>

namespace ubaflow {

namespace {

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

inline bool is_digit(char c) {
  return json_reader::is_digit(c);
}

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
  json_reader in(message);
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
