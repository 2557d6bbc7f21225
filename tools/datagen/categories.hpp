#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// The category universe of ubaflow's synthetic data and its dimension
/// table (data/category.csv, data/category.sql): 9,439 sub-category ids in
/// the dataset's id range, each mapped to one of a few parent categories.
/// A handful of ids are deliberately left out of the table so that the
/// lookup join's miss path runs in every demo and test. Fixed: it does not
/// depend on the generator's seed.
class category_universe {
public:
  static const category_universe& instance();

  /// Sub-category ids, most popular first.
  const std::vector<int64_t>& ids() const { return ids_; }

  /// Parent name of a sub-category, or "" for the ids left out on purpose.
  const std::string& parent_of_rank(size_t rank) const {
    return parents_[rank];
  }

  bool in_table(size_t rank) const { return !parents_[rank].empty(); }

  /// The dimension table as CSV (with header) or as MySQL DDL + inserts.
  std::string to_csv() const;
  std::string to_sql() const;

private:
  category_universe();

  std::vector<int64_t> ids_;
  std::vector<std::string> parents_;
};

} // namespace ubaflow
