#include "common/sql/exec/sql_document.hpp"

#include "common/sql/exec/sql_decimal.hpp"
#include "common/time/civil.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace ubaflow {

boost::json::value document_value(const sql_value& v, const time_zone& zone) {
  switch (v.kind()) {
    case sql_value_kind::null: return nullptr;
    case sql_value_kind::boolean: return v.as_boolean();
    case sql_value_kind::bigint: return v.as_bigint();
    case sql_value_kind::double_: return v.as_double();
    case sql_value_kind::decimal: {
      // The exact digits, read back as a JSON number.
      boost::system::error_code ec;
      auto number = boost::json::parse(
        decimal_to_string({v.decimal_unscaled(), v.decimal_scale()}), ec);
      return ec ? boost::json::value{nullptr} : number;
    }
    case sql_value_kind::string: return boost::json::string{v.as_string()};
    case sql_value_kind::timestamp:
      return boost::json::string{format_sql_time(v.as_millis())};
    case sql_value_kind::timestamp_ltz: {
      const int64_t offset = zone.offset_at_instant(v.as_millis());
      return boost::json::string{
        format_iso_with_offset(v.as_millis() + offset, offset)};
    }
    case sql_value_kind::date:
      return boost::json::string{format_date(v.as_days() * 86'400'000)};
    case sql_value_kind::interval: return v.as_millis();
  }
  return nullptr;
}

boost::json::object sql_document(const bound_table& sink, const sql_row& row,
                                 const time_zone& zone) {
  boost::json::object document;
  for (size_t c = 0; c < row.size() && c < sink.columns.size(); ++c)
    document[sink.columns[c].name] = document_value(row[c], zone);
  return document;
}

std::string document_key(const std::vector<std::string>& key,
                         const boost::json::object& document) {
  boost::json::array values;
  for (const auto& field : key) {
    const auto* v = document.if_contains(field);
    values.push_back(v ? *v : nullptr);
  }
  return boost::json::serialize(values);
}

} // namespace ubaflow
