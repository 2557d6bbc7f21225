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
    // A query routed by distinct value: each owner gets the values of its
    // key groups (split_by_key_groups), its checkpoint files each group's
    // values apart; the owners' counts add up to the whole's.
    const bool by_value = q.combiner;
    auto holder = [](uint32_t group, uint32_t owners) {
      const auto ranges = owner_ranges(owners, key_groups);
      for (size_t o = 0; o < ranges.size(); ++o)
        if (ranges[o].contains(group))
          return o;
      FAIL("no owner holds key group ", group);
      return size_t{0};
    };
    auto routed = [&](std::vector<sql_partial> parts, uint32_t owners) {
      std::vector<std::pair<size_t, sql_partial>> out;
      for (auto& p : parts) {
        if (!by_value) {
          const auto g = key_group_of(p, q.routing, key_groups);
          out.emplace_back(holder(g, owners), std::move(p));
          continue;
        }
        const auto ranges = owner_ranges(owners, key_groups);
        auto split = split_by_key_groups(p, ranges, key_groups);
        for (size_t o = 0; o < owners; ++o)
          if (split[o])
            out.emplace_back(o, std::move(*split[o]));
      }
      return out;
    };
    auto make = [&](uint32_t owners) {
      std::vector<std::unique_ptr<sql_group_aggregator>> out;
      for (uint32_t o = 0; o < owners; ++o)
        out.push_back(f.aggregator(q));
      return out;
    };
    // Reference: one owner sees everything.
    auto reference = f.aggregator(q);
    for (auto& p : f.partials(q, 0, 8'000))
      reference->merge(std::move(p));
    // Two owners take the first half, then checkpoint by key group.
    auto two = make(2);
    for (auto& [o, p] : routed(f.partials(q, 0, 4'000), 2))
      two[o]->merge(std::move(p));
    std::map<uint32_t, std::string> checkpoint;
    for (const auto& owner : two)
      for (auto& [group, bytes] : snapshot_by_key_group(*owner, q, key_groups)) {
        REQUIRE(checkpoint.count(group) == 0); // a key group has one owner
        checkpoint[group] = std::move(bytes);
      }
    // Three owners restore their key groups and take the second half.
    auto three = make(3);
    for (const auto& [group, bytes] : checkpoint) {
      std::vector<sql_partial> restored;
      std::string error;
      REQUIRE_MESSAGE(decode_partials(bytes, q, restored, error), error);
      for (auto& p : restored) {
        if (by_value)
          REQUIRE(distinct_values_within(p, {group, group + 1}, key_groups));
        three[holder(group, 3)]->merge(std::move(p));
      }
    }
    for (auto& [o, p] : routed(f.partials(q, 4'000, 8'000), 3))
      three[o]->merge(std::move(p));
    if (by_value) {
      using counts = std::map<std::pair<int64_t, int64_t>, int64_t>;
      auto count_into = [](counts& into) {
        return [&into](const sql_group_aggregator::fired_window& fired) {
          into[{fired.window.start, fired.window.end}]
            += fired.accumulators.at(0).result().as_bigint();
        };
      };
      counts shares;
      for (auto& owner : three)
        owner->fire_each(INT64_MAX, count_into(shares));
      counts whole;
      reference->fire_each(INT64_MAX, count_into(whole));
      CHECK_FALSE(whole.empty());
      CHECK(shares == whole);
      continue;
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
