#pragma once

#include "common/protocol/results.hpp"

#include <array>
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

  size_t size(result_kind kind) const {
    return by_kind_[static_cast<size_t>(kind)].size();
  }

private:
  size_t max_per_index_;
  std::array<std::map<std::string, std::string>, result_kind_count> by_kind_;
};

/// {"<index>": [{"_id": ..., <document fields>}, ...], ...} sorted by id,
/// all indices or only `only`.
std::string results_json(const std::vector<result_row>& rows,
                         std::optional<result_kind> only = std::nullopt);

/// The result kind named `name` (buy_cnt_per_hour, ...), if any.
std::optional<result_kind> result_kind_named(const std::string& name);

} // namespace ubaflow
