#include "common/sql/exec/sql_dimension_index.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

/// What a probe finds, computed the plain way: every row whose key
/// columns are identical to the key, none if the key holds a NULL.
std::vector<const sql_row*> scanned(const std::vector<sql_row>& rows,
                                    const std::vector<uint32_t>& columns,
                                    const sql_row& key) {
  std::vector<const sql_row*> out;
  for (const auto& v : key)
    if (v.is_null())
      return out;
  for (const auto& row : rows) {
    bool same = true;
    for (size_t c = 0; c < columns.size(); ++c)
      same = same && columns[c] < row.size() && row[columns[c]] == key[c];
    if (same)
      out.push_back(&row);
  }
  return out;
}

std::vector<const sql_row*> found(const sql_dimension_index& index,
                                  const sql_row& key) {
  const auto m = index.find(key);
  return {m.begin(), m.end()};
}

} // namespace

TEST_SUITE("sql.exec.dimension_index") {

TEST_CASE("one BIGINT key: the flat table finds what a scan finds, in the dimension's order") {
  std::mt19937_64 random{7};
  std::vector<sql_row> rows;
  for (int i = 0; i < 3000; ++i) {
    // Repeated keys, negative and extreme ones, NULLs.
    const int pick = static_cast<int>(random() % 20);
    const sql_value key = pick == 0   ? sql_value::null()
                          : pick == 1 ? sql_value::bigint(INT64_MIN)
                          : pick == 2 ? sql_value::bigint(INT64_MAX)
                                      : sql_value::bigint(static_cast<int64_t>(random() % 1500) - 200);
    rows.push_back({key, sql_value::string("row " + std::to_string(i))});
  }
  const sql_dimension_index index{rows, {0}};
  CHECK(index.flat());
  for (int64_t k = -250; k < 1400; ++k) {
    const sql_row key{sql_value::bigint(k)};
    CHECK(found(index, key) == scanned(rows, {0}, key));
  }
  for (const auto& key : {sql_row{sql_value::bigint(INT64_MIN)},
                          sql_row{sql_value::bigint(INT64_MAX)},
                          sql_row{sql_value::null()},
                          sql_row{sql_value::double_(5.0)}, // not identical to 5
                          sql_row{sql_value::string("5")}})
    CHECK(found(index, key) == scanned(rows, {0}, key));
}

TEST_CASE("no rows, and a key column past a row's end") {
  const sql_dimension_index empty{{}, {0}};
  CHECK(empty.find({sql_value::bigint(1)}).empty());
  const std::vector<sql_row> rows{{sql_value::bigint(1)}, {}};
  const sql_dimension_index index{rows, {0}};
  CHECK(index.flat());
  CHECK(found(index, {sql_value::bigint(1)}) == std::vector<const sql_row*>{&rows[0]});
}

TEST_CASE("other keys (strings, two columns, mixed kinds) use the general index, same answers") {
  const std::vector<sql_row> rows{
    {sql_value::string("a"), sql_value::bigint(1)},
    {sql_value::string("b"), sql_value::bigint(1)},
    {sql_value::string("a"), sql_value::bigint(2)},
    {sql_value::string("a"), sql_value::bigint(1)},
    {sql_value::null(), sql_value::bigint(1)},
    {sql_value::double_(1.0), sql_value::bigint(1)},
  };
  for (const auto& columns : {std::vector<uint32_t>{0}, std::vector<uint32_t>{0, 1},
                              std::vector<uint32_t>{1, 0}}) {
    const sql_dimension_index index{rows, columns};
    CHECK_FALSE(index.flat());
    for (const auto& row : rows) {
      sql_row key;
      for (const auto c : columns)
        key.push_back(row[c]);
      CHECK(found(index, key) == scanned(rows, columns, key));
    }
  }
  // Their second column is all BIGINT: flat. A column that also holds a
  // DOUBLE is not, and each value finds only its identical ones.
  CHECK(sql_dimension_index{rows, {1}}.flat());
  const std::vector<sql_row> with_double{{sql_value::bigint(1)}, {sql_value::double_(1.0)}};
  const sql_dimension_index general{with_double, {0}};
  CHECK_FALSE(general.flat());
  CHECK(found(general, {sql_value::double_(1.0)}) == std::vector<const sql_row*>{&with_double[1]});
  CHECK(found(general, {sql_value::bigint(1)}) == std::vector<const sql_row*>{&with_double[0]});
}

}
