#pragma once

// Helpers of the tests that run whole scripts in batch
// (tests/unit/sql/exec/sql_taobao_equivalence.test.cpp,
// sql_examples.test.cpp): simulated events as rows of the scripts'
// user_behavior table, data/category.csv as category_dim's rows, a sink's
// rows by table name.

#include "common/sql/exec/sql_batch_executor.hpp"
#include "common/sql/sql_bound.hpp"
#include "common/util/key_groups.hpp"
#include "tools/datagen/synthetic_events.hpp"
#include "worker/lookup/csv_table_rows.hpp"
#include "tools/datagen/user_event.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace ubaflow::test {

/// The key-group ranges of `owners` owners, as the job master assigns them.
inline std::vector<key_group_range> owner_ranges(uint32_t owners,
                                                 uint32_t key_groups) {
  std::vector<key_group_range> out;
  for (uint32_t o = 0; o < owners; ++o)
    out.push_back(range_for_owner(o, owners, key_groups));
  return out;
}

/// 2017-11-26 00:00, local time: the first simulated day.
inline constexpr event_time first_day = 1511654400000;

inline std::string read_text_file(const std::string& path) {
  std::ifstream in{path};
  REQUIRE_MESSAGE(in.good(), "cannot read ", path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline const char* behavior_name(behavior b) {
  switch (b) {
    case behavior::pv: return "pv";
    case behavior::buy: return "buy";
    case behavior::cart: return "cart";
    case behavior::fav: return "fav";
  }
  return "?";
}

/// A row of user_behavior's physical columns (user_id, item_id,
/// category_id, behavior, ts).
inline sql_row behaviour_row(const user_event& e) {
  return {sql_value::bigint(e.user_id), sql_value::bigint(e.item_id),
          sql_value::bigint(e.category_id),
          sql_value::string(behavior_name(e.kind)), sql_value::timestamp(e.ts)};
}

/// Two simulated days of `events` events by `users` users, in time order.
inline std::vector<user_event> simulated_days(uint64_t events, int64_t users,
                                              uint64_t seed) {
  synthetic_settings settings;
  settings.first_day = first_day;
  settings.days = 2;
  settings.events = events;
  settings.users = users;
  settings.seed = seed;
  synthetic_events generator{settings};
  std::vector<user_event> out;
  user_event e;
  while (generator.next(e))
    out.push_back(e);
  return out;
}

/// data/category.csv as rows of category_dim (sub_category_id, name).
inline std::vector<sql_row> category_rows(const std::string& path) {
  std::vector<sql_row> rows;
  std::string error;
  REQUIRE_MESSAGE(read_csv_rows(path,
                                {data_type_kind::bigint,
                                 data_type_kind::varchar},
                                rows, error),
                  error);
  return rows;
}

/// Rows sorted by their values.
inline void sort_rows(std::vector<sql_row>& rows) {
  std::sort(rows.begin(), rows.end(), row_less);
}

/// The rows `result` leaves in the sink table named `table`.
inline const std::vector<sql_row>& sink_rows(const bound_script& script,
                                             const sql_batch_result& result,
                                             const std::string& table) {
  for (const auto& sink : result.sinks)
    if (script.tables[sink.table].name == table)
      return sink.rows;
  FAIL("no rows for ", table);
  static const std::vector<sql_row> none;
  return none;
}

} // namespace ubaflow::test
