#include "coordinator/rest/result_store.hpp"

#include <boost/json.hpp>

namespace ubaflow {

namespace json = boost::json;

void result_store::add(const std::vector<result_row>& rows) {
  for (const auto& row : rows) {
    auto it = by_index_.find(row.index);
    if (it == by_index_.end()) {
      if (by_index_.size() >= max_indices)
        continue;
      it = by_index_.try_emplace(row.index).first;
    }
    auto& index = it->second;
    index[row.id] = row.document;
    if (index.size() > max_per_index_)
      index.erase(index.begin());
  }
}

std::vector<result_row> result_store::rows() const {
  std::vector<result_row> out;
  for (const auto& [index, documents] : by_index_)
    for (const auto& [id, document] : documents)
      out.push_back({index, id, document});
  return out;
}

std::string results_json(const std::vector<result_row>& rows,
                         const std::vector<std::string>& indices,
                         const std::optional<std::string>& only) {
  json::object out;
  for (const auto& index : indices)
    if (!only || *only == index)
      out[index] = json::array{};
  for (const auto& row : rows) {
    auto slot = out.find(row.index);
    if (slot == out.end())
      continue; // not the job's, or not asked for
    json::error_code ec;
    auto doc = json::parse(row.document, ec);
    if (ec || !doc.is_object())
      continue; // rows are built by the job; never malformed
    auto& object = doc.as_object();
    object.emplace("_id", row.id);
    slot->value().as_array().push_back(std::move(object));
  }
  return json::serialize(out);
}

} // namespace ubaflow
