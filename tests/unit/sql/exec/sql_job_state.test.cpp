// A SQL job's data plane as logic: source states (common/sql/exec/
// sql_source_state) send encoded batches to keyed-state owners
// (sql_keyed_state), which fire windows as the slowest source's watermark
// passes them. Half-way the owners are checkpointed by key group and the
// job is rescaled from two owners to three; what every sink holds at the
// end equals the batch executor's result, for both scripts.

#include "common/sql/exec/sql_keyed_state.hpp"
#include "common/sql/exec/sql_source_state.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"
#include "tests/unit/sql/exec/batch_test_support.hpp"
#include "tests/unit/sql/exec/exec_test_support.hpp"
#include "tests/unit/sql/exec/share_totals.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

constexpr uint32_t key_groups = 128;

std::vector<key_group_range> ranges(uint32_t owners) {
  return owner_ranges(owners, key_groups);
}

void check_job(const std::string& script_path) {
  auto bound = bind_sql(read_text_file(script_path));
  REQUIRE(bound.ok());
  const auto& script = bound.script;
  auto planned = plan_script(script);
  REQUIRE(planned.ok());
  const auto& plan = planned.plan;
  REQUIRE(plan.sources.size() == 1);
  const uint32_t table = plan.sources[0].table;
  const auto events = simulated_days(30'000, 4'000, 9);
  std::map<uint32_t, std::vector<sql_row>> tables;
  for (const auto& e : events)
    tables[table].push_back(behaviour_row(e));
  tables[1] = category_rows(UBAFLOW_SOURCE_DIR "/data/category.csv");
  const sql_row_evaluator evaluator{time_zone::utc()};

  auto make_sources = [&](uint32_t owners) {
    std::vector<std::unique_ptr<sql_source_state>> sources;
    for (uint32_t s = 0; s < 2; ++s)
      sources.push_back(std::make_unique<sql_source_state>(
        script, plan, table, s, tables, evaluator, ranges(owners),
        key_groups));
    return sources;
  };
  auto make_owners = [&](uint32_t owners) {
    std::vector<std::unique_ptr<sql_keyed_state>> out;
    for (const auto& range : ranges(owners))
      out.push_back(std::make_unique<sql_keyed_state>(
        script, plan, evaluator, range, key_groups, 2));
    return out;
  };
  auto sources = make_sources(2);
  auto owners = make_owners(2);
  std::map<uint32_t, std::vector<sql_row>> written; // by sink table
  // Queries routed by distinct value fire shares, added up as the
  // combiner does; every other query fires rows.
  share_totals shares;
  auto collect = [&](std::vector<sql_sink_row> rows) {
    for (auto& r : rows) {
      REQUIRE_FALSE(plan.queries[r.query].combiner);
      written[plan.queries[r.query].sink].push_back(std::move(r.row));
    }
  };
  auto exchange = [&] {
    for (auto& source : sources) {
      auto batches = source->flush();
      REQUIRE(batches.size() == owners.size());
      for (size_t o = 0; o < owners.size(); ++o) {
        std::string error;
        REQUIRE_MESSAGE(owners[o]->take(batches[o], error), error);
      }
    }
    for (auto& owner : owners) {
      collect(owner->take_direct_rows());
      collect(owner->emit());
      shares.add(owner->take_shares());
    }
  };

  // The record in every column of the table, as a source task's decoder
  // gives it (sql_row_layout::table); computed columns left NULL.
  auto in_table_layout = [&](const sql_row& physical) {
    sql_row row(script.tables[table].columns.size());
    size_t next = 0;
    for (size_t c = 0; c < row.size(); ++c)
      if (!script.tables[table].columns[c].computed)
        row[c] = physical.at(next++);
    return row;
  };
  for (size_t i = 0; i < events.size(); ++i) {
    // One source is given physical rows, the other rows in the table's
    // layout: both ways in must give the same results.
    const auto s = static_cast<size_t>(events[i].user_id % 2);
    sources[s]->set_record_origin(static_cast<int32_t>(s),
                                  static_cast<int64_t>(i));
    if (s == 0) {
      sources[s]->add(tables[table][i], 0);
    } else {
      auto row = in_table_layout(tables[table][i]);
      sources[s]->add_table_row(row, 0);
    }
    if (i % 1009 == 1008)
      exchange();
    if (i == events.size() / 2) {
      // A checkpoint by key group, then a rescale from two owners to three.
      exchange();
      std::map<uint32_t, std::string> checkpoint;
      for (const auto& owner : owners)
        for (auto& [group, bytes] : owner->snapshot())
          checkpoint[group] = std::move(bytes);
      owners = make_owners(3);
      for (const auto& [group, bytes] : checkpoint) {
        std::string error;
        const auto all = ranges(3);
        const auto owner = std::find_if(all.begin(), all.end(),
                                        [&](const key_group_range& r) {
                                          return r.contains(group);
                                        })
                           - all.begin();
        REQUIRE_MESSAGE(owners[static_cast<size_t>(owner)]->restore(
                          group, bytes, error),
                        error);
      }
      sources = make_sources(3);
    }
  }
  exchange();
  for (auto& owner : owners) {
    collect(owner->finish());
    shares.add(owner->take_shares());
    CHECK(owner->late_partials() == 0);
    CHECK(owner->rejected() == 0);
  }
  bool combined = false;
  for (uint32_t q = 0; q < plan.queries.size(); ++q)
    if (plan.queries[q].combiner) {
      combined = true;
      for (auto& row : shares.rows(script, plan, q, evaluator))
        written[plan.queries[q].sink].push_back(std::move(row));
    }
  if (script_path.find("taobao.sql") != std::string::npos)
    CHECK(combined); // its UV queries are routed by distinct value

  sql_batch_input input;
  input.tables = tables;
  const auto batch = run_batch(script, plan, input, time_zone::utc());
  for (const auto& sink : batch.sinks) {
    CAPTURE(script.tables[sink.table].name);
    const auto settled
      = settle_sink_rows(script.tables[sink.table], written[sink.table]);
    REQUIRE(settled.size() == sink.rows.size());
    CHECK(settled == sink.rows);
  }
}

} // namespace

TEST_SUITE("sql.exec.job_state") {

TEST_CASE("jobs/taobao.sql: sources, owners, a rescale; equal to batch") {
  check_job(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql");
}

TEST_CASE("the ten example queries: sources, owners, a rescale; equal to "
          "batch") {
  check_job(UBAFLOW_SOURCE_DIR "/jobs/examples/behaviour_metrics.sql");
}

TEST_CASE("queries without aggregation (a lookup, an upsert) beside an "
          "aggregate: their rows through the owners, a rescale; equal to batch") {
  check_job(UBAFLOW_SOURCE_DIR "/jobs/examples/row_streams.sql");
}

TEST_CASE("rows of a query without aggregation: ids of where they were read, "
          "routed by key, malformed or foreign rows refused whole") {
  auto bound = bind_sql(read_text_file(UBAFLOW_SOURCE_DIR "/jobs/examples/row_streams.sql"));
  REQUIRE(bound.ok());
  auto planned = plan_script(bound.script);
  REQUIRE(planned.ok());
  const auto& plan = planned.plan;
  const sql_row_evaluator evaluator{time_zone::utc()};
  const uint32_t table = plan.sources[0].table;
  const std::map<uint32_t, std::vector<sql_row>> no_dimensions;
  sql_source_state source{bound.script, plan, table, 0, no_dimensions,
                          evaluator, ranges(1), key_groups};
  CHECK(source.has_direct_queries());
  auto buy = [&](int64_t user) {
    sql_row row{sql_value::bigint(user), sql_value::bigint(7),
                sql_value::bigint(2), sql_value::string("buy"),
                sql_value::timestamp(at_local(2017, 11, 26, 10))};
    return row;
  };
  source.set_record_origin(3, 41);
  source.add(buy(1), 0);
  source.set_record_origin(3, 42);
  source.add(buy(2), 0);
  CHECK(source.buffered_rows() == 2); // counted against the flush bound
  auto batches = source.flush();
  CHECK(source.buffered_rows() == 0);
  REQUIRE(batches.size() == 1);
  sql_keyed_state owner{bound.script, plan, evaluator, ranges(1)[0], key_groups, 1};
  std::string error;
  REQUIRE_MESSAGE(owner.take(batches[0], error), error);
  const auto rows = owner.take_direct_rows();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].id == "3-41-1");
  CHECK(rows[1].id == "3-42-1");
  CHECK(rows[0].row[0] == sql_value::bigint(1));
  CHECK(rows[0].row[2] == sql_value::string("unknown")); // no dimension rows
  CHECK(owner.take_direct_rows().empty());
  // An owner of other key groups refuses them; a truncated or widened
  // encoding is refused; nothing is taken from a refused batch.
  std::vector<uint32_t> groups;
  for (const auto& r : rows)
    groups.push_back(key_group_of(r, bound.script.tables.at(plan.queries[0].sink),
                                  key_groups));
  const uint32_t foreign = (groups[0] + 1) % key_groups == groups[1]
                             ? (groups[0] + 2) % key_groups
                             : (groups[0] + 1) % key_groups;
  sql_keyed_state other{bound.script, plan, evaluator, {foreign, foreign + 1},
                        key_groups, 1};
  CHECK_FALSE(other.take(batches[0], error));
  CHECK(error.find("does not hold") != std::string::npos);
  auto bad = batches[0];
  const size_t q = [&] {
    for (size_t i = 0; i < bad.partials.size(); ++i)
      if (!bad.partials[i].empty() && !plan.queries[i].aggregated)
        return i;
    return size_t{0};
  }();
  bad.partials[q].pop_back();
  CHECK_FALSE(owner.take(bad, error));
  bad = batches[0];
  bad.partials[q] += "x";
  CHECK_FALSE(owner.take(bad, error));
  CHECK(owner.take_direct_rows().empty());
}

TEST_CASE("a malformed batch or a foreign key group is refused whole") {
  auto bound = bind_sql(read_text_file(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql"));
  REQUIRE(bound.ok());
  auto planned = plan_script(bound.script);
  REQUIRE(planned.ok());
  const sql_row_evaluator evaluator{time_zone::utc()};
  sql_keyed_state owner{bound.script, planned.plan, evaluator, {0, 64},
                        key_groups, 2};
  std::string error;
  sql_partial_batch batch;
  batch.source = 2;
  batch.partials.resize(planned.plan.queries.size());
  CHECK_FALSE(owner.take(batch, error));
  CHECK(error == "a batch from source 2 of 2");
  batch.source = 0;
  batch.partials.resize(3);
  CHECK_FALSE(owner.take(batch, error));
  batch.partials.assign(planned.plan.queries.size(), "");
  batch.partials[0] = "\x01\x05garbage";
  CHECK_FALSE(owner.take(batch, error));
  CHECK(error.find("partial aggregates:") == 0);
  CHECK_FALSE(owner.restore(100, "", error));
  CHECK(error == "key group 100 is not this owner's");
  CHECK(owner.watermark() == INT64_MIN); // nothing was taken
}

} // TEST_SUITE
