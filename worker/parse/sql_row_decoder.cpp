#include "worker/parse/sql_row_decoder.hpp"

#include "worker/parse/json_event_parser.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <cctype>
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
  bool on_int64(int64_t v, string_view text, error_code&) {
    if (auto* f = target()) {
      f->held = field_kind::int64;
      f->integer = v;
      f->real = static_cast<double>(v);
      keep(*f, text);
    }
    return true;
  }
  bool on_uint64(uint64_t v, string_view text, error_code&) {
    if (auto* f = target()) {
      f->held = field_kind::uint64;
      f->real = static_cast<double>(v);
      keep(*f, text);
    }
    return true;
  }
  bool on_double(double v, string_view text, error_code&) {
    if (auto* f = target()) {
      f->held = field_kind::double_;
      f->real = v;
      keep(*f, text);
    }
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
