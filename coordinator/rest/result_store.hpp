#pragma once

#include "common/protocol/results.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

/// The latest version of every result document, as the sinks received
/// them, for the REST API's /ubaflow/results and the dashboards. Rows
/// with the same index and id replace each other, as in Elasticsearch.
/// Each index keeps at most `max_per_index` documents, the greatest ids
/// (window starts sort by time, so the newest windows stay).
class result_store {
public:
  explicit result_store(size_t max_per_index = 5000)
    : max_per_index_(max_per_index) {}

  void add(const std::vector<result_row>& rows);

  std::vector<result_row> rows() const;

  size_t size(const std::string& index) const {
    auto it = by_index_.find(index);
    return it == by_index_.end() ? 0 : it->second.size();
  }

private:
  size_t max_per_index_;
  /// Rows are checked on arrival (check_rows), but a member could still
  /// name any number of indices: at most this many are kept.
  static constexpr size_t max_indices = 256;
  std::map<std::string, std::map<std::string, std::string>> by_index_;
};

/// {"<index>": [{"_id": ..., <document fields>}, ...], ...} sorted by id:
/// each of `indices` (the job's), or only `only`.
std::string results_json(const std::vector<result_row>& rows,
                         const std::vector<std::string>& indices,
                         const std::optional<std::string>& only = std::nullopt);

} // namespace ubaflow
