#pragma once

// What a combiner does with the shares of a query routed by distinct value,
// reduced to the end result, for tests that run sources and owners without
// one: the latest count of each key group per (query, window), added up
// into the query's rows once the input has ended.

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/exec/sql_source_state.hpp"

#include <doctest/doctest.h>

#include <map>
#include <tuple>
#include <vector>

namespace ubaflow::test {

class share_totals {
public:
  void add(const sql_share& share) {
    auto& counts = latest_[{share.query, share.window.start, share.window.end}];
    counts[share.key_group] = share.counts;
  }
  void add(const std::vector<sql_share>& shares) {
    for (const auto& share : shares)
      add(share);
  }

  /// Query `q`'s rows, in its sink's columns.
  std::vector<sql_row> rows(const bound_script& script, const sql_plan& plan,
                            uint32_t q, const sql_row_evaluator& evaluator) const {
    const auto& query = plan.queries.at(q);
    std::vector<sql_row> out;
    for (const auto& [id, by_group] : latest_) {
      if (std::get<0>(id) != q)
        continue;
      std::vector<int64_t> totals(query.aggregates.size(), 0);
      for (const auto& [group, counts] : by_group) {
        REQUIRE(counts.size() == totals.size());
        for (size_t a = 0; a < counts.size(); ++a)
          totals[a] += counts[a];
      }
      sql_row values;
      for (auto total : totals)
        values.push_back(sql_value::bigint(total));
      const sql_window window{std::get<1>(id), std::get<2>(id)};
      auto row = aggregated_row(query, evaluator, {}, values, &window,
                                [](const std::string& why) { FAIL(why); });
      if (row)
        out.push_back(in_sink_columns(script, query, std::move(*row)));
    }
    return out;
  }

private:
  std::map<std::tuple<uint32_t, int64_t, int64_t>,
           std::map<uint32_t, std::vector<int64_t>>>
    latest_;
};

} // namespace ubaflow::test
