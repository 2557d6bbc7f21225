#pragma once

#include "worker/parse/csv_fields.hpp"

#include "worker/lookup/dimension_source.hpp"

#include <absl/container/flat_hash_map.h>

#include <optional>
#include <string>

namespace ubaflow {

/// The dimension table loaded from a CSV file with the columns
/// `sub_category_id,parent_category_name` (header optional, names may be
/// double-quoted with "" escapes).
class csv_dimension_source : public dimension_source {
public:
  /// Loads the file; on failure returns nothing and explains in `error`.
  static std::optional<csv_dimension_source> load(const std::string& path,
                                                  std::string& error);

  bool lookup(const std::vector<int64_t>& ids,
              std::vector<std::pair<int64_t, std::string>>& found,
              std::string& error) override;

  std::string describe() const override { return "csv:" + path_; }

  size_t size() const { return names_.size(); }

private:
  std::string path_;
  absl::flat_hash_map<int64_t, std::string> names_;
};

} // namespace ubaflow
