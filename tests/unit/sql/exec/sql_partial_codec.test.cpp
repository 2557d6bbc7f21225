// The byte form of partial aggregates (common/sql/exec/sql_partial_codec):
// what crosses the exchange and what a checkpoint holds per key group.
// Round trips, a rescale from two owners to three through key-group
// snapshots, and corrupt input refused without a crash.

#include "common/sql/exec/sql_partial_codec.hpp"
#include "common/sql/exec/sql_query_rows.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"
#include "tests/unit/sql/exec/batch_test_support.hpp"

#include <doctest/doctest.h>

#include <memory>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

constexpr uint32_t key_groups = 128;

struct fixture {
  bound_script script;
  sql_plan plan;
  std::map<uint32_t, std::vector<sql_row>> tables;
  sql_row_evaluator evaluator{time_zone::utc()};
  uint64_t rejected = 0;

  fixture() {
    auto bound = bind_sql(read_text_file(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql"));
    REQUIRE(bound.ok());
    script = std::move(bound.script);
    auto planned = plan_script(script);
    REQUIRE(planned.ok());
    plan = std::move(planned.plan);
    for (const auto& e : simulated_days(8'000, 1'500, 3))
      tables[0].push_back(behaviour_row(e));
    tables[1] = category_rows(UBAFLOW_SOURCE_DIR "/data/category.csv");
  }

  std::unique_ptr<sql_group_aggregator> aggregator(const sql_query_plan& q) {
    return std::make_unique<sql_group_aggregator>(
      q, evaluator, [this](const std::string&) { ++rejected; });
  }

  /// The partials of events [from, to) for query `q`, as one source makes.
  std::vector<sql_partial> partials(const sql_query_plan& q, size_t from,
                                    size_t to) {
    auto source = aggregator(q);
    sql_query_rows rows{
      script, q, tables, evaluator,
      {[&](const sql_relations& r) { source->add(r); }, [](sql_row) {},
       [this](const std::string&) { ++rejected; }}};
    for (size_t i = from; i < to && i < tables[0].size(); ++i)
      rows.feed(tables[0][i], 0);
    return source->take_partials();
  }
};

std::vector<sql_row> sorted(std::vector<sql_row> rows) {
  sort_rows(rows);
  return rows;
}

} // namespace

TEST_SUITE("sql.exec.partial_codec") {

TEST_CASE("partials survive the byte form for every query of taobao.sql") {
  fixture f;
  for (const auto& q : f.plan.queries) {
    CAPTURE(q.insert);
    auto direct = f.aggregator(q);
    auto decoded = f.aggregator(q);
    auto parts = f.partials(q, 0, 8'000);
    REQUIRE_FALSE(parts.empty());
    std::string bytes;
    encode_partials(parts, bytes);
    std::vector<sql_partial> back;
    std::string error;
    REQUIRE_MESSAGE(decode_partials(bytes, q, back, error), error);
    REQUIRE(back.size() == parts.size());
    for (auto& p : parts)
      direct->merge(std::move(p));
    for (auto& p : back)
      decoded->merge(std::move(p));
    CHECK(sorted(decoded->finish()) == sorted(direct->finish()));
  }
  CHECK(f.rejected == 0);
}

TEST_CASE("a rescale from two owners to three through key-group snapshots") {
  fixture f;
  for (const auto& q : f.plan.queries) {
    CAPTURE(q.insert);
    // Reference: one owner sees everything.
    auto reference = f.aggregator(q);
    for (auto& p : f.partials(q, 0, 8'000))
      reference->merge(std::move(p));
    // Two owners take the first half, then checkpoint by key group.
    std::vector<std::unique_ptr<sql_group_aggregator>> two;
    two.push_back(f.aggregator(q));
    two.push_back(f.aggregator(q));
    for (auto& p : f.partials(q, 0, 4'000)) {
      const auto g = key_group_of(p, q.routing, key_groups);
      two[g * 2 / key_groups]->merge(std::move(p));
    }
    std::map<uint32_t, std::string> checkpoint;
    for (const auto& owner : two)
      for (auto& [group, bytes] : snapshot_by_key_group(*owner, q, key_groups)) {
        REQUIRE(checkpoint.count(group) == 0); // a key group has one owner
        checkpoint[group] = std::move(bytes);
      }
    // Three owners restore their key groups and take the second half.
    std::vector<std::unique_ptr<sql_group_aggregator>> three;
    for (int o = 0; o < 3; ++o)
      three.push_back(f.aggregator(q));
    for (const auto& [group, bytes] : checkpoint) {
      std::vector<sql_partial> restored;
      std::string error;
      REQUIRE_MESSAGE(decode_partials(bytes, q, restored, error), error);
      for (auto& p : restored)
        three[group * 3 / key_groups]->merge(std::move(p));
    }
    for (auto& p : f.partials(q, 4'000, 8'000)) {
      const auto g = key_group_of(p, q.routing, key_groups);
      three[g * 3 / key_groups]->merge(std::move(p));
    }
    std::vector<sql_row> rescaled;
    for (auto& owner : three)
      for (auto& row : owner->finish())
        rescaled.push_back(std::move(row));
    CHECK(sorted(rescaled) == sorted(reference->finish()));
  }
}

TEST_CASE("corrupt, cut-off or mismatched bytes are refused, never a crash") {
  fixture f;
  const auto& uv = f.plan.queries[1]; // COUNT(DISTINCT user_id) per 10 min
  std::string bytes;
  encode_partials(f.partials(uv, 0, 2'000), bytes);
  std::vector<sql_partial> out;
  std::string error;
  for (size_t n = 0; n < bytes.size(); n += 1 + n / 16) {
    CAPTURE(n);
    CHECK_FALSE(decode_partials(std::string_view{bytes}.substr(0, n), uv, out,
                                error));
    CHECK(out.empty());
  }
  uint32_t state = 99;
  for (int round = 0; round < 3000; ++round) {
    auto flipped = bytes;
    state = state * 1664525 + 1013904223;
    flipped[state % flipped.size()] ^= static_cast<char>(1 << (state >> 29));
    if (!decode_partials(flipped, uv, out, error))
      CHECK(!error.empty());
  }
  auto wrong_version = bytes;
  wrong_version[0] = 9;
  CHECK_FALSE(decode_partials(wrong_version, uv, out, error));
  CHECK(error == "partial aggregates: format version 9, not 1");
  // Partials of a windowed query do not fit a query without a window.
  CHECK_FALSE(decode_partials(bytes, f.plan.queries[3], out, error));
}

} // TEST_SUITE
