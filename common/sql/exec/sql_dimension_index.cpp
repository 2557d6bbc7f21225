#include "common/sql/exec/sql_dimension_index.hpp"

#include "common/util/hash.hpp"

#include <algorithm>
#include <utility>

namespace ubaflow {

namespace {

const sql_value& value_at(const sql_row& row, uint32_t column) {
  static const sql_value null{};
  return column < row.size() ? row[column] : null;
}

} // namespace

sql_dimension_index::sql_dimension_index(const std::vector<sql_row>& rows,
                                         const std::vector<uint32_t>& key_columns) {
  const bool one_bigint_key
    = key_columns.size() == 1 && rows.size() < (uint64_t{1} << 31)
      && std::all_of(rows.begin(), rows.end(), [&](const sql_row& row) {
           const auto kind = value_at(row, key_columns[0]).kind();
           return kind == sql_value_kind::bigint || kind == sql_value_kind::null;
         });
  if (one_bigint_key)
    build_flat(rows, key_columns[0]);
  else
    build_general(rows, key_columns);
}

void sql_dimension_index::build_flat(const std::vector<sql_row>& rows,
                                     uint32_t column) {
  flat_ = true;
  std::vector<std::pair<int64_t, const sql_row*>> keyed;
  keyed.reserve(rows.size());
  for (const auto& row : rows)
    if (const auto& v = value_at(row, column); !v.is_null())
      keyed.emplace_back(v.as_bigint(), &row);
  // Rows of one key keep the dimension's order (a lookup's matches come
  // out in it, as the general index gives them).
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t distinct = 0;
  for (size_t i = 0; i < keyed.size(); ++i)
    distinct += i == 0 || keyed[i].first != keyed[i - 1].first;
  size_t capacity = 8;
  while (capacity < 2 * distinct)
    capacity *= 2;
  slots_.assign(capacity, slot{});
  mask_ = capacity - 1;
  rows_.reserve(keyed.size());
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i;
    while (j < keyed.size() && keyed[j].first == keyed[i].first)
      rows_.push_back(keyed[j++].second);
    uint64_t at = mix64(static_cast<uint64_t>(keyed[i].first)) & mask_;
    while (slots_[at].count != 0)
      at = (at + 1) & mask_;
    slots_[at] = {keyed[i].first, static_cast<uint32_t>(i),
                  static_cast<uint32_t>(j - i)};
    i = j;
  }
}

void sql_dimension_index::build_general(const std::vector<sql_row>& rows,
                                        const std::vector<uint32_t>& key_columns) {
  for (const auto& row : rows) {
    sql_row key;
    bool null_key = false;
    for (const auto column : key_columns) {
      key.push_back(value_at(row, column));
      null_key = null_key || key.back().is_null();
    }
    if (!null_key) // never found: a probe with a NULL matches nothing
      general_[std::move(key)].push_back(&row);
  }
}

sql_dimension_index::matches sql_dimension_index::find_flat(int64_t key) const {
  for (uint64_t at = mix64(static_cast<uint64_t>(key)) & mask_;;
       at = (at + 1) & mask_) {
    const auto& s = slots_[at];
    if (s.count == 0)
      return {};
    if (s.key == key)
      return {rows_.data() + s.first, s.count};
  }
}

sql_dimension_index::matches sql_dimension_index::find(const sql_row& key) const {
  if (flat_) {
    if (key.size() != 1 || key[0].kind() != sql_value_kind::bigint)
      return {}; // another kind is never identical to a BIGINT
    return find_flat(key[0].as_bigint());
  }
  const auto found = general_.find(key);
  if (found == general_.end())
    return {};
  return {found->second.data(), found->second.size()};
}

} // namespace ubaflow
