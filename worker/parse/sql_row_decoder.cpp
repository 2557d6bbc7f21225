#include "worker/parse/sql_row_decoder.hpp"

#include "worker/parse/csv_fields.hpp"
#include "worker/parse/json_event_parser.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
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
};

namespace {

using field_kind = sql_row_decoder::field::kind;
using boost::json::error_code;
using boost::json::string_view;

/// basic_parser's handler: records the top-level fields whose names are
/// columns; anything else, and anything nested, is only stepped over.
struct field_handler {
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  const std::vector<std::string>* names = nullptr;
  std::vector<sql_row_decoder::field> fields; ///< per column
  size_t depth = 0;
  bool object = false; ///< the document is an object
  int column = -1;     ///< the column of the top-level key being read
  std::string part;    ///< a key or string in parts
  std::string_view record; ///< the record being read

  /// Keeps `s` as `f`'s value: a view of the record when it lies there
  /// (the usual case: no escapes, one piece), else a copy, since the
  /// parser's own buffer does not outlive the call.
  void keep(sql_row_decoder::field& f, string_view s) {
    const char* begin = record.data();
    if (part.empty() && s.data() >= begin
        && s.data() + s.size() <= begin + record.size()) {
      f.written = std::string_view{s.data(), s.size()};
      return;
    }
    f.text.assign(part);
    f.text.append(s.data(), s.size());
    f.written = f.text;
  }

  void start(std::string_view r) {
    record = r;
    for (auto& f : fields)
      f.held = field_kind::absent;
    depth = 0;
    object = false;
    column = -1;
    part.clear();
  }
  /// The field a top-level value goes to, or nullptr.
  sql_row_decoder::field* target() {
    return depth == 1 && column >= 0 ? &fields[static_cast<size_t>(column)]
                                     : nullptr;
  }
  bool begin_nested() {
    if (auto* f = target())
      f->held = field_kind::nested;
    ++depth;
    return true;
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    if (depth == 0)
      object = true;
    return depth == 0 ? (++depth, true) : begin_nested();
  }
  bool on_object_end(std::size_t, error_code&) {
    --depth;
    return true;
  }
  bool on_array_begin(error_code&) { return begin_nested(); }
  bool on_array_end(std::size_t, error_code&) {
    --depth;
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    if (depth == 1)
      part.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    if (depth != 1)
      return true;
    std::string_view key{s.data(), s.size()};
    if (!part.empty()) {
      part.append(s.data(), s.size());
      key = part;
    }
    column = -1;
    for (size_t i = 0; i < names->size(); ++i)
      if ((*names)[i] == key) {
        column = static_cast<int>(i);
        break;
      }
    part.clear();
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    if (target())
      part.append(s.data(), s.size());
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    if (auto* f = target()) {
      f->held = field_kind::string;
      keep(*f, s);
    }
    part.clear();
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  /// A top-level number: its kind, its value as a double and its text as
  /// written; the field, or nullptr when the number is not a column's.
  sql_row_decoder::field* number(field_kind kind, double real, string_view text) {
    auto* f = target();
    if (f) {
      f->held = kind;
      f->real = real;
      keep(*f, text);
    }
    return f;
  }
  bool on_int64(int64_t v, string_view text, error_code&) {
    if (auto* f = number(field_kind::int64, static_cast<double>(v), text))
      f->integer = v;
    return true;
  }
  bool on_uint64(uint64_t v, string_view text, error_code&) {
    number(field_kind::uint64, static_cast<double>(v), text);
    return true;
  }
  bool on_double(double v, string_view text, error_code&) {
    number(field_kind::double_, v, text);
    return true;
  }
  bool on_bool(bool v, error_code&) {
    if (auto* f = target()) {
      f->held = field_kind::boolean;
      f->truth = v;
    }
    return true;
  }
  bool on_null(error_code&) {
    if (auto* f = target())
      f->held = field_kind::null;
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

parse_status wrong(reject_reason reason, const char* detail) {
  return {reason, detail};
}

bool is_number(field_kind k) {
  return k == field_kind::int64 || k == field_kind::uint64
         || k == field_kind::double_;
}

} // namespace

struct sql_row_decoder::streaming {
  std::vector<std::string> names;
  boost::json::basic_parser<field_handler> parser{boost::json::parse_options{}};
  // CSV: the line's fields, and the unquoted copies of a quoted line.
  std::vector<std::string_view> views;
  std::vector<std::string> copies;
};

sql_row_decoder::sql_row_decoder(const bound_table& table,
                                 timestamp_parser timestamps)
  : timestamps_(std::move(timestamps)),
    parser_(std::make_unique<streaming>()) {
  for (const auto& c : table.columns)
    if (!c.computed) {
      columns_.push_back({c.name, c.type});
      parser_->names.push_back(c.name);
    }
  auto& handler = parser_->parser.handler();
  handler.names = &parser_->names;
  handler.fields.resize(columns_.size());
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
  out.resize(columns_.size());
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
    if (auto status = convert(columns_[i], f, out[i]); !status.ok())
      return status;
  }
  return {};
}

sql_row_decoder::~sql_row_decoder() = default;
sql_row_decoder::sql_row_decoder(sql_row_decoder&&) noexcept = default;
sql_row_decoder& sql_row_decoder::operator=(sql_row_decoder&&) noexcept = default;

parse_status sql_row_decoder::decode(std::string_view record, sql_row& out) {
  auto& parser = parser_->parser;
  auto& handler = parser.handler();
  parser.reset();
  handler.start(record);
  error_code ec;
  const size_t used = parser.write_some(false, record.data(), record.size(), ec);
  if (ec || !parser.done() || !handler.object)
    return wrong(reject_reason::malformed_record, "not a JSON object");
  for (size_t i = used; i < record.size(); ++i)
    if (!std::isspace(static_cast<unsigned char>(record[i])))
      return wrong(reject_reason::malformed_record, "not a JSON object");
  out.resize(columns_.size()); // the values' buffers are reused
  for (size_t i = 0; i < columns_.size(); ++i)
    if (auto status = convert(columns_[i], handler.fields[i], out[i]); !status.ok())
      return status;
  return {};
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
      out = sql_value::bigint(n);
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
      out = sql_value::timestamp(local);
      return {};
    }
    default:
      return wrong(reject_reason::malformed_record,
                   "a column type a JSON record cannot hold yet");
  }
}

} // namespace ubaflow
