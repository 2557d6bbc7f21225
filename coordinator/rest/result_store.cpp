#include "coordinator/rest/result_store.hpp"

#include <boost/json.hpp>

namespace ubaflow {

namespace json = boost::json;

void result_store::add(const std::vector<result_row>& rows) {
  for (const auto& row : rows) {
    // Senders are checked before rows get here; a kind out of range must
    // still never index past the array.
    if (static_cast<size_t>(row.kind) >= result_kind_count)
      continue;
    auto& index = by_kind_[static_cast<size_t>(row.kind)];
    index[row.id] = row.document;
    if (index.size() > max_per_index_)
      index.erase(index.begin());
  }
}

std::vector<result_row> result_store::rows() const {
  std::vector<result_row> out;
  for (size_t k = 0; k < result_kind_count; ++k)
    for (const auto& [id, document] : by_kind_[k])
      out.push_back({static_cast<result_kind>(k), id, document});
  return out;
}

std::optional<result_kind> result_kind_named(const std::string& name) {
  for (size_t k = 0; k < result_kind_count; ++k)
    if (name == to_string(static_cast<result_kind>(k)))
      return static_cast<result_kind>(k);
  return std::nullopt;
}

std::string results_json(const std::vector<result_row>& rows,
                         std::optional<result_kind> only) {
  json::object out;
  for (size_t k = 0; k < result_kind_count; ++k)
    if (!only || static_cast<size_t>(*only) == k)
      out[to_string(static_cast<result_kind>(k))] = json::array{};
  for (const auto& row : rows) {
    if (only && row.kind != *only)
      continue;
    json::error_code ec;
    auto doc = json::parse(row.document, ec);
    if (ec || !doc.is_object())
      continue; // rows are built by result_format; never malformed
    auto& object = doc.as_object();
    object.emplace("_id", row.id);
    out[to_string(row.kind)].as_array().push_back(std::move(object));
  }
  return json::serialize(out);
}

} // namespace ubaflow
