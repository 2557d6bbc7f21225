// The distributed shape in plain logic: two source tasks pre-aggregate
// their share of the events into partials, the partials cross a
// 128-key-group exchange to two owners, which fire windows as the
// watermark (the slower source's, 5 s behind) passes them and emit
// running aggregates as upserts. What the sinks end up with equals the
// batch executor's result for every query of both scripts.

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/exec/sql_query_rows.hpp"
#include "common/sql/exec/sql_source_state.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"
#include "tests/unit/sql/exec/batch_test_support.hpp"
#include "tests/unit/sql/exec/share_totals.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

constexpr uint32_t key_groups = 128;
constexpr int64_t watermark_delay = 5000;

/// Runs every query of `script_path` distributed, and in batch; compares.
void check_distributed_equals_batch(const std::string& script_path) {
  auto bound = bind_sql(read_text_file(script_path));
  REQUIRE_MESSAGE(bound.ok(), bound.error->to_string());
  const auto& script = bound.script;
  auto planned = plan_script(script);
  REQUIRE(planned.ok());
  const auto& plan = planned.plan;
  const auto events = simulated_days(30'000, 4'000, 5);
  std::map<uint32_t, std::vector<sql_row>> tables;
  for (const auto& e : events)
    tables[0].push_back(behaviour_row(e));
  tables[1] = category_rows(UBAFLOW_SOURCE_DIR "/data/category.csv");

  sql_batch_input batch_input;
  batch_input.tables = tables;
  const sql_row_evaluator evaluator{time_zone::utc()};
  const auto batch = run_batch(script, plan, batch_input, time_zone::utc());
  REQUIRE(batch.rows_rejected == 0);

  uint64_t rejected = 0;
  auto reject = [&rejected](const std::string&) { ++rejected; };
  for (uint32_t q = 0; q < plan.queries.size(); ++q) {
    const auto& query = plan.queries[q];
    CAPTURE(script.tables[query.sink].name);
    if (!query.aggregated)
      continue;
    // Two sources (split by user, as Kafka partitions by key) and two
    // owners (key groups [0, 64) and [64, 128)).
    struct source {
      std::unique_ptr<sql_group_aggregator> partials;
      std::unique_ptr<sql_query_rows> rows;
      int64_t max_ts = INT64_MIN;
    };
    std::vector<source> sources(2);
    for (auto& s : sources) {
      s.partials = std::make_unique<sql_group_aggregator>(query, evaluator,
                                                          reject);
      auto* aggregator = s.partials.get();
      s.rows = std::make_unique<sql_query_rows>(
        script, query, tables, evaluator,
        sql_row_handlers{[aggregator](const sql_relations& r) {
                           aggregator->add(r);
                         },
                         [](sql_row) {}, reject});
    }
    // Routed by distinct value: each owner gets the values of its key
    // groups and fires each group's count; the counts are added up at the
    // end as the combiner does.
    const std::vector<key_group_range> halves{{0, key_groups / 2},
                                              {key_groups / 2, key_groups}};
    std::vector<std::unique_ptr<sql_group_aggregator>> owners;
    for (int o = 0; o < 2; ++o)
      owners.push_back(
        std::make_unique<sql_group_aggregator>(query, evaluator, reject));
    std::vector<sql_row> written;
    share_totals shares;
    // A CUMULATE step hands over only what it added: the counts of its
    // period so far are kept per owner and period start.
    std::map<std::pair<size_t, int64_t>, std::map<uint32_t, std::vector<int64_t>>>
      periods;
    auto fire_shares = [&](int64_t watermark) {
      for (size_t o = 0; o < owners.size(); ++o)
        owners[o]->fire_each(watermark, [&](const auto& f) {
          const auto& fired = f.added ? *f.added : f.accumulators;
          std::map<uint32_t, std::vector<int64_t>> fresh;
          auto& by_group = f.added ? periods[{o, f.window.start}] : fresh;
          for (size_t a = 0; a < fired.size(); ++a)
            for (const auto& [group, count] :
                 fired[a].distinct_set()->counts_by_key_group(key_groups)) {
              by_group[group].resize(fired.size(), 0);
              by_group[group][a] += static_cast<int64_t>(count);
            }
          for (auto& [group, counts] : by_group)
            shares.add(sql_share{q, group, f.window, counts});
        });
    };
    auto exchange = [&] {
      for (auto& s : sources)
        for (auto& partial : s.partials->take_partials()) {
          if (query.combiner) {
            auto parts = split_by_key_groups(partial, halves, key_groups);
            for (size_t o = 0; o < 2; ++o)
              if (parts[o]) {
                REQUIRE(distinct_values_within(*parts[o], halves[o], key_groups));
                owners[o]->merge(std::move(*parts[o]));
              }
            continue;
          }
          const auto group = key_group_of(partial, query.routing, key_groups);
          REQUIRE(group < key_groups);
          owners[group < key_groups / 2 ? 0 : 1]->merge(std::move(partial));
        }
      int64_t watermark = INT64_MAX;
      for (const auto& s : sources)
        watermark = std::min(watermark, s.max_ts == INT64_MIN
                                          ? INT64_MIN
                                          : s.max_ts - watermark_delay);
      if (query.combiner) {
        fire_shares(watermark);
        return;
      }
      for (auto& owner : owners) {
        auto rows = query.window ? owner->fire(watermark) : owner->updates();
        written.insert(written.end(), rows.begin(), rows.end());
      }
    };
    for (size_t i = 0; i < events.size(); ++i) {
      auto& s = sources[static_cast<size_t>(events[i].user_id % 2)];
      s.rows->feed(tables[0][i], 0);
      s.max_ts = std::max(s.max_ts, events[i].ts);
      if (i % 997 == 996) // a flush now and then
        exchange();
    }
    exchange();
    if (!query.combiner)
      for (auto& owner : owners) { // the input ended: every window fires
        auto rows = owner->finish();
        written.insert(written.end(), rows.begin(), rows.end());
      }
    for (auto& row : written)
      row = in_sink_columns(script, query, std::move(row));
    if (query.combiner) {
      fire_shares(INT64_MAX);
      written = shares.rows(script, plan, q, evaluator);
    }
    const auto distributed
      = settle_sink_rows(script.tables[query.sink], std::move(written));
    const auto* expected = [&]() -> const std::vector<sql_row>* {
      for (const auto& sink : batch.sinks)
        if (sink.table == query.sink)
          return &sink.rows;
      return nullptr;
    }();
    REQUIRE(expected);
    REQUIRE(distributed.size() == expected->size());
    for (size_t r = 0; r < distributed.size(); ++r)
      CHECK(distributed[r] == (*expected)[r]);
  }
  CHECK(rejected == 0);
}

} // namespace

TEST_SUITE("sql.exec.distributed") {

TEST_CASE("jobs/taobao.sql over sources, exchange and owners equals batch") {
  check_distributed_equals_batch(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql");
}

TEST_CASE("the ten example queries over sources, exchange and owners equal "
          "batch") {
  check_distributed_equals_batch(UBAFLOW_SOURCE_DIR
                                 "/jobs/examples/behaviour_metrics.sql");
}

} // TEST_SUITE
