#include "worker/parse/sql_row_decoder.hpp"

#include "worker/parse/csv_fields.hpp"
#include "worker/parse/field_name_matcher.hpp"
#include "worker/parse/decimal_id.hpp"
#include "worker/parse/json_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace ubaflow {

/// What a record held for one column, the last of its fields of that name.
struct sql_row_decoder::field {
  enum class kind : uint8_t {
    absent, null, int64, uint64, double_, boolean, string, nested
  };
  kind held = kind::absent;
  int64_t integer = 0;
  double real = 0;
  bool truth = false;
  /// A string's value, or a number as written: in the record itself when
  /// the parser handed it over in one piece from there, else in `text`.
  std::string_view written;
  std::string text;
  /// The conversion of the value into the column (the last field's).
  parse_status status;
};

namespace {

using field_kind = sql_row_decoder::field::kind;

parse_status wrong(reject_reason reason, const char* detail) {
  return {reason, detail};
}

bool is_number(field_kind k) {
  return k == field_kind::int64 || k == field_kind::uint64
         || k == field_kind::double_;
}

} // namespace

struct sql_row_decoder::streaming {
  explicit streaming(const std::vector<std::string>& names) : keys(names) {}
  field_name_matcher keys; ///< the physical columns' names
  std::vector<field> fields; ///< per column, of the record being read
  std::string key;           ///< a key with escapes, decoded
  std::string skipped;       ///< strings of fields that are no column's
  // CSV: the line's fields, and the unquoted copies of a quoted line.
  std::vector<std::string_view> views;
  std::vector<std::string> copies;
};

sql_row_decoder::sql_row_decoder(const bound_table& table,
                                 timestamp_parser timestamps,
                                 sql_row_layout layout)
  : timestamps_(std::move(timestamps)) {
  std::vector<std::string> names;
  for (uint32_t index = 0; index < table.columns.size(); ++index)
    if (const auto& c = table.columns[index]; !c.computed) {
      const auto position = layout == sql_row_layout::table
                              ? index
                              : static_cast<uint32_t>(columns_.size());
      columns_.push_back({c.name, c.type, position});
      names.push_back(c.name);
    }
  parser_ = std::make_unique<streaming>(names);
  parser_->fields.resize(columns_.size());
  row_size_ = layout == sql_row_layout::table ? table.columns.size()
                                              : columns_.size();
  if (auto d = table.settings.find("format.csv-delimiter");
      d != table.settings.end() && d->second.size() == 1)
    delimiter_ = d->second[0];
}

bool sql_row_decoder::split_csv(std::string_view line) {
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  auto& views = parser_->views;
  views.clear();
  if (line.find('"') == std::string_view::npos) { // the usual case: no copy
    size_t begin = 0;
    for (size_t i = 0; i <= line.size(); ++i)
      if (i == line.size() || line[i] == delimiter_) {
        views.push_back(line.substr(begin, i - begin));
        begin = i + 1;
      }
    return true;
  }
  auto& copies = parser_->copies;
  if (!split_csv_line(line, copies, delimiter_))
    return false;
  for (const auto& field : copies)
    views.emplace_back(field);
  return true;
}

bool sql_row_decoder::is_csv_header(std::string_view line) {
  if (columns_.empty() || !split_csv(line) || parser_->views.empty())
    return false;
  const auto first = parser_->views.front();
  const auto& name = columns_.front().name;
  return first.size() == name.size()
         && std::equal(first.begin(), first.end(), name.begin(),
                       [](char a, char b) {
                         return std::tolower(static_cast<unsigned char>(a))
                                == std::tolower(static_cast<unsigned char>(b));
                       });
}

parse_status sql_row_decoder::decode_csv(std::string_view line, sql_row& out) {
  if (!split_csv(line))
    return wrong(reject_reason::malformed_record, "csv: an unterminated quote");
  const auto& views = parser_->views;
  if (views.size() != columns_.size())
    return wrong(reject_reason::malformed_record,
                 views.size() < columns_.size()
                   ? "csv: fewer fields than the table has columns"
                   : "csv: more fields than the table has columns");
  out.resize(row_size_);
  field f;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const auto text = views[i];
    const auto kind = columns_[i].type.kind;
    f.written = text;
    f.held = field_kind::string;
    if (text.empty() && kind != data_type_kind::varchar
        && kind != data_type_kind::char_) {
      f.held = field_kind::null;
    } else if (kind == data_type_kind::float_ || kind == data_type_kind::double_) {
      // Not strtod: no locale, no leading blanks or hex.
      const auto [end, problem]
        = std::from_chars(text.data(), text.data() + text.size(), f.real);
      if (problem != std::errc{} || end != text.data() + text.size())
        return wrong(reject_reason::malformed_record, "a number column");
      f.held = field_kind::double_;
    } else if (kind == data_type_kind::boolean) {
      f.held = field_kind::boolean;
      if (text == "true" || text == "TRUE" || text == "True")
        f.truth = true;
      else if (text == "false" || text == "FALSE" || text == "False")
        f.truth = false;
      else
        return wrong(reject_reason::malformed_record, "a BOOLEAN column");
    }
    if (auto status = convert(columns_[i], f, out[columns_[i].position]);
        !status.ok())
      return status;
  }
  return {};
}

sql_row_decoder::~sql_row_decoder() = default;
sql_row_decoder::sql_row_decoder(sql_row_decoder&&) noexcept = default;
sql_row_decoder& sql_row_decoder::operator=(sql_row_decoder&&) noexcept = default;

parse_status sql_row_decoder::decode(std::string_view record, sql_row& out) {
  const parse_status not_an_object
    = wrong(reject_reason::malformed_record, "not a JSON object");
  auto& fields = parser_->fields;
  for (auto& f : fields)
    f.held = field_kind::absent;
  out.resize(row_size_); // the values' buffers are reused
  json_reader in{record};
  in.skip_ws();
  if (!in.consume('{'))
    return not_an_object;
  in.skip_ws();
  if (!in.consume('}')) {
    for (;;) {
      in.skip_ws();
      auto& keys = parser_->keys;
      int column = keys.expected();
      if (column >= 0 && in.consume_exact_string(keys.quoted(column))) {
        keys.found(column); // the usual case: the next column's name
      } else {
        std::string_view key;
        if (in.peek() != '"' || !in.read_string(key, parser_->key))
          return not_an_object;
        column = keys.find(key);
      }
      in.skip_ws();
      if (!in.consume(':'))
        return not_an_object;
      in.skip_ws();
      if (!read_field(in, column, out))
        return not_an_object;
      in.skip_ws();
      if (in.consume('}'))
        break;
      if (!in.consume(','))
        return not_an_object;
    }
  }
  // Only JSON's own whitespace may follow the object (RFC 8259: space,
  // tab, LF, CR; not C's \v or \f).
  in.skip_ws();
  if (!in.at_end())
    return not_an_object;
  // A syntax error (above) wins; then the columns in order: missing, or
  // their value's conversion failed.
  for (const auto& f : fields) {
    if (f.held == field_kind::absent || f.held == field_kind::null)
      return wrong(reject_reason::missing_field, "a column's field");
    if (!f.status.ok())
      return f.status;
  }
  return {};
}

bool sql_row_decoder::read_field(json_reader& in, int column, sql_row& out) {
  if (column < 0)
    return in.skip_value(parser_->skipped, 1);
  const auto c = static_cast<size_t>(column);
  auto& f = parser_->fields[c];
  switch (in.peek()) {
    case '"': {
      f.held = field_kind::string;
      auto& value = out[columns_[c].position];
      const auto kind = columns_[c].type.kind;
      if (int64_t n = 0; kind == data_type_kind::bigint
                         && in.read_digit_string(n, f.written)) {
        value.assign_integer(sql_value_kind::bigint, n); // the seed's ids
        f.status = {};
        return true;
      }
      if (!in.read_string(f.written, f.text))
        return false;
      // The usual cases converted here, without the general switch: an id
      // held as a string, a timestamp's text, a string.
      switch (kind) {
        case data_type_kind::bigint: {
          int64_t n = 0;
          if (parse_decimal_id(f.written, n)) {
            value.assign_integer(sql_value_kind::bigint, n);
            f.status = {};
            return true;
          }
          break;
        }
        case data_type_kind::timestamp: {
          event_time local = 0;
          f.status = timestamps_.parse_text(f.written, local);
          if (f.status.ok())
            value.assign_integer(sql_value_kind::timestamp, local);
          return true;
        }
        case data_type_kind::varchar:
          value.assign_string(f.written);
          f.status = {};
          return true;
        default:
          break;
      }
      break;
    }
    case 'n':
      f.held = field_kind::null;
      return in.read_literal("null", 4);
    case 't':
    case 'f':
      f.held = field_kind::boolean;
      f.truth = in.peek() == 't';
      if (!(f.truth ? in.read_literal("true", 4) : in.read_literal("false", 5)))
        return false;
      break;
    case '{':
    case '[':
      f.held = field_kind::nested;
      if (!in.skip_value(parser_->skipped, 1))
        return false;
      break;
    default:
      if (!in.read_number(f.written))
        return false;
      read_number(f);
      break;
  }
  // Converted at once, while the value is at hand; reported only once the
  // whole record has been read.
  f.status = convert(columns_[c], f, out[columns_[c].position]);
  return true;
}

void sql_row_decoder::read_number(field& f) {
  const auto text = f.written;
  const bool integral = text.find_first_of(".eE") == std::string_view::npos;
  if (integral && parse_decimal_id(text, f.integer)) {
    f.held = field_kind::int64;
    f.real = static_cast<double>(f.integer);
    return;
  }
  // A fraction, an exponent or an integer beyond BIGINT: a DOUBLE value
  // (correctly rounded; beyond its range, infinity or zero).
  f.held = integral ? field_kind::uint64 : field_kind::double_;
  const auto [end, problem]
    = std::from_chars(text.data(), text.data() + text.size(), f.real);
  if (problem == std::errc::result_out_of_range) {
    const auto exponent = text.find_first_of("eE");
    const bool tiny = exponent != std::string_view::npos
                      && exponent + 1 < text.size() && text[exponent + 1] == '-';
    const double magnitude = tiny ? 0.0 : HUGE_VAL;
    f.real = text.front() == '-' ? -magnitude : magnitude;
  }
}

parse_status sql_row_decoder::convert(const column& c, const field& f,
                                      sql_value& out) {
  if (f.held == field_kind::absent || f.held == field_kind::null)
    return wrong(reject_reason::missing_field, "a column's field");
  switch (c.type.kind) {
    case data_type_kind::tinyint:
    case data_type_kind::smallint:
    case data_type_kind::integer:
    case data_type_kind::bigint: {
      int64_t n = 0;
      if (f.held == field_kind::int64)
        n = f.integer;
      else if (f.held != field_kind::string || !parse_decimal_id(f.written, n))
        return wrong(reject_reason::invalid_id, "an integer column");
      out.assign_integer(sql_value_kind::bigint, n);
      return {};
    }
    case data_type_kind::float_:
    case data_type_kind::double_:
      if (!is_number(f.held))
        return wrong(reject_reason::malformed_record, "a number column");
      out = sql_value::double_(f.real);
      return {};
    case data_type_kind::boolean:
      if (f.held != field_kind::boolean)
        return wrong(reject_reason::malformed_record, "a BOOLEAN column");
      out = sql_value::boolean(f.truth);
      return {};
    case data_type_kind::char_:
    case data_type_kind::varchar:
      if (f.held != field_kind::string)
        return wrong(reject_reason::malformed_record, "a STRING column");
      out.assign_string(f.written);
      return {};
    case data_type_kind::timestamp: {
      event_time local = 0;
      parse_status status{reject_reason::invalid_timestamp, "a TIMESTAMP"};
      if (f.held == field_kind::string)
        status = timestamps_.parse_text(f.written, local);
      else if (is_number(f.held))
        status = timestamps_.parse_number(f.written, local); // as written
      if (!status.ok())
        return status;
      out.assign_integer(sql_value_kind::timestamp, local);
      return {};
    }
    default:
      return wrong(reject_reason::malformed_record,
                   "a column type a JSON record cannot hold yet");
  }
}

} // namespace ubaflow
