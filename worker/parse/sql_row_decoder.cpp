#include "worker/parse/sql_row_decoder.hpp"

#include "worker/parse/json_event_parser.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace ubaflow {

namespace {

/// Why a field cannot be a value of its column's type.
parse_status wrong(reject_reason reason, const char* detail) {
  return {reason, detail};
}

} // namespace

sql_row_decoder::sql_row_decoder(const bound_table& table,
                                 timestamp_parser timestamps)
  : timestamps_(std::move(timestamps)) {
  for (const auto& c : table.columns)
    if (!c.computed)
      columns_.push_back({c.name, c.type});
}

parse_status sql_row_decoder::decode(std::string_view record, sql_row& out) {
  out.clear();
  boost::system::error_code ec;
  auto parsed = boost::json::parse(record, ec);
  if (ec || !parsed.is_object())
    return wrong(reject_reason::malformed_record, "not a JSON object");
  const auto& object = parsed.as_object();
  out.reserve(columns_.size());
  for (const auto& c : columns_) {
    const auto* v = object.if_contains(c.name);
    if (!v || v->is_null())
      return wrong(reject_reason::missing_field, "a column's field");
    switch (c.type.kind) {
      case data_type_kind::tinyint:
      case data_type_kind::smallint:
      case data_type_kind::integer:
      case data_type_kind::bigint: {
        int64_t n = 0;
        if (v->is_int64())
          n = v->as_int64();
        else if (!v->is_string() || !parse_decimal_id(v->as_string(), n))
          return wrong(reject_reason::invalid_id, "an integer column");
        out.push_back(sql_value::bigint(n));
        break;
      }
      case data_type_kind::float_:
      case data_type_kind::double_:
        if (!v->is_number())
          return wrong(reject_reason::malformed_record, "a number column");
        out.push_back(sql_value::double_(v->to_number<double>()));
        break;
      case data_type_kind::boolean:
        if (!v->is_bool())
          return wrong(reject_reason::malformed_record, "a BOOLEAN column");
        out.push_back(sql_value::boolean(v->as_bool()));
        break;
      case data_type_kind::char_:
      case data_type_kind::varchar:
        if (!v->is_string())
          return wrong(reject_reason::malformed_record, "a STRING column");
        out.push_back(sql_value::string(std::string{v->as_string()}));
        break;
      case data_type_kind::timestamp: {
        event_time local = 0;
        parse_status status{reject_reason::invalid_timestamp, "a TIMESTAMP"};
        if (v->is_string())
          status = timestamps_.parse_text(v->as_string(), local);
        else if (v->is_number())
          status = timestamps_.parse_number(boost::json::serialize(*v), local);
        if (!status.ok())
          return status;
        out.push_back(sql_value::timestamp(local));
        break;
      }
      default:
        return wrong(reject_reason::malformed_record,
                     "a column type a JSON record cannot hold yet");
    }
  }
  return {};
}

} // namespace ubaflow
