#include "common/sql/exec/sql_document.hpp"

#include "common/sql/exec/sql_decimal.hpp"
#include "common/time/civil.hpp"
#include "common/util/hash.hpp"

#include <cmath>
#include <cstdio>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace ubaflow {

boost::json::value document_value(const sql_value& v, const time_zone& zone) {
  switch (v.kind()) {
    case sql_value_kind::null: return nullptr;
    case sql_value_kind::boolean: return v.as_boolean();
    case sql_value_kind::bigint: return v.as_bigint();
    case sql_value_kind::double_:
      // JSON has no NaN or infinity (a cart-less buy rate, x / 0.0): null,
      // which every reader and Elasticsearch take.
      if (!std::isfinite(v.as_double()))
        return nullptr;
      return v.as_double();
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

std::string document_hash_id(std::string_view identity) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "hash-%016llx",
                static_cast<unsigned long long>(hash_bytes(identity)));
  return buf;
}

std::string document_id(const bound_table& sink, const sql_row& row,
                        const boost::json::object& document) {
  if (sink.primary_key.empty())
    return document_hash_id(boost::json::serialize(document));
  std::string id;
  bool ambiguous = false;
  for (size_t i = 0; i < sink.primary_key.size(); ++i) {
    const auto c = sink.primary_key[i];
    std::string part;
    if (c < row.size() && row[c].kind() == sql_value_kind::timestamp) {
      // ISO 8601 (no blank in an id), as the built-in job's time ids.
      part = format_iso_local(row[c].as_millis());
    } else if (const auto* v = document.if_contains(sink.columns.at(c).name)) {
      part = v->is_string() ? std::string{v->as_string()}
                            : boost::json::serialize(*v);
    }
    if (sink.primary_key.size() > 1
        && part.find(document_id_delimiter) != std::string::npos)
      ambiguous = true;
    if (i > 0)
      id += document_id_delimiter;
    id += part;
  }
  if (ambiguous || id.empty() || id.size() > max_sql_document_id_bytes)
    return document_hash_id(id);
  return id;
}

} // namespace ubaflow
