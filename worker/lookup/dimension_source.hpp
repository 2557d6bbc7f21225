#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ubaflow {

/// A category dimension table: sub-category id → parent category name (the
/// seed's `category_dim`). Implementations: MySQL/MariaDB through SOCI, and
/// a CSV file for the embedded default.
class dimension_source {
public:
  virtual ~dimension_source() = default;

  /// Looks up `ids` and appends (id, name) for each id the table has.
  /// Returns false if the table could not be asked (connection lost, query
  /// failed) and then describes the failure in `error`; ids absent from a
  /// successful answer are misses, not failures.
  virtual bool lookup(const std::vector<int64_t>& ids,
                      std::vector<std::pair<int64_t, std::string>>& found,
                      std::string& error)
    = 0;

  /// A description for logs, without secrets ("mysql://user@host:3306/db").
  virtual std::string describe() const = 0;
};

} // namespace ubaflow
