#include "worker/sink/es_bulk.hpp"

#include "common/util/json_text.hpp"

#include <boost/json.hpp>

namespace ubaflow {

std::string encode_bulk(const std::vector<taken_row>& rows,
                        const index_names& names) {
  std::string body;
  size_t size = 0;
  for (const auto& r : rows)
    size += r.row.document.size() + r.row.id.size() + 64;
  body.reserve(size);
  for (const auto& r : rows) {
    body += "{\"index\":{\"_index\":";
    append_json_string(body, names.of(r.row.index));
    body += ",\"_id\":";
    append_json_string(body, r.row.id);
    body += "}}\n";
    body += r.row.document;
    body += '\n';
  }
  return body;
}

item_outcome classify_status(int status) {
  if (status >= 200 && status < 300)
    return item_outcome::ok;
  if (status == 429 || status >= 500)
    return item_outcome::retry;
  return item_outcome::reject;
}

namespace {

std::string string_field(const boost::json::object& obj, const char* name) {
  if (auto* v = obj.if_contains(name); v && v->is_string())
    return std::string{v->as_string()};
  return {};
}

} // namespace

bulk_response parse_bulk_response(std::string_view body, size_t expected) {
  bulk_response out;
  boost::json::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) {
    out.error = "bulk response is not a JSON object";
    return out;
  }
  const auto& root = doc.as_object();
  if (auto* errors = root.if_contains("errors"); errors && errors->is_bool())
    out.errors = errors->as_bool();
  auto* items = root.if_contains("items");
  if (!items || !items->is_array()) {
    out.error = "bulk response has no items array";
    return out;
  }
  for (const auto& item : items->as_array()) {
    if (!item.is_object() || item.as_object().empty()) {
      out.error = "bulk response item is not an object";
      return out;
    }
    const auto& action = item.as_object().begin()->value();
    if (!action.is_object()) {
      out.error = "bulk response item has no action object";
      return out;
    }
    const auto& fields = action.as_object();
    bulk_item_result result;
    if (auto* status = fields.if_contains("status"); status && status->is_int64())
      result.status = static_cast<int>(status->as_int64());
    result.outcome = classify_status(result.status);
    if (auto* error = fields.if_contains("error")) {
      if (error->is_object()) {
        result.error_type = string_field(error->as_object(), "type");
        result.reason = string_field(error->as_object(), "reason");
      } else if (error->is_string()) {
        result.reason = std::string{error->as_string()};
      }
      if (result.outcome == item_outcome::ok)
        result.outcome = item_outcome::reject; // an error with a 2xx status
    }
    out.items.push_back(std::move(result));
  }
  if (out.items.size() != expected) {
    out.error = "bulk response has " + std::to_string(out.items.size())
                + " items for " + std::to_string(expected) + " actions";
  }
  return out;
}

std::string describe_es_error(std::string_view body) {
  boost::json::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (!ec && doc.is_object()) {
    const auto& root = doc.as_object();
    if (auto* error = root.if_contains("error")) {
      if (error->is_object())
        return string_field(error->as_object(), "type") + ": "
               + string_field(error->as_object(), "reason");
      if (error->is_string())
        return std::string{error->as_string()};
    }
  }
  return preview_bytes(body, 300);
}

} // namespace ubaflow
