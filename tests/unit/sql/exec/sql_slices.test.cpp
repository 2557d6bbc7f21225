// CUMULATE windows share slices (sql_group_aggregator): a row goes to one
// partial (its step's slice), an owner folds the steps as the watermark
// passes them and emits each window [period start, step end) from the
// running aggregate; a slice that comes after its step fired counts in
// the windows still open, as it did before slicing, and so does a row
// behind its partition's watermark.

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/sql_planner.hpp"
#include "tests/unit/sql/binder_test_support.hpp"
#include "tests/unit/sql/exec/exec_test_support.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

/// Per 10-minute step of each hour: distinct users and rows so far.
const std::string cumulate_query
  = "INSERT INTO per_window SELECT window_start, window_end, COUNT(DISTINCT user_id) "
    "FROM TABLE(CUMULATE(TABLE ub, DESCRIPTOR(ts), INTERVAL '10' MINUTE, "
    "INTERVAL '1' HOUR)) GROUP BY window_start, window_end;";

struct cumulate_fixture {
  bound_script script = bound_after_prelude(cumulate_query);
  sql_plan plan = [this] {
    auto planned = plan_script(script);
    REQUIRE(planned.ok());
    return planned.plan;
  }();
  sql_row_evaluator evaluator{time_zone::utc()};
  uint64_t rejected = 0;
  sql_group_aggregator make() {
    return sql_group_aggregator{plan.queries.at(0), evaluator,
                                [this](const std::string&) { ++rejected; }};
  }
};

int64_t at(int hour, int minute) { return at_local(2017, 11, 26, hour, minute); }

} // namespace

TEST_SUITE("sql.exec.slices") {

TEST_CASE("a row is one slice partial, not one per window of its period") {
  cumulate_fixture f;
  auto source = f.make();
  source.add(visit(1, at(10, 5)));
  source.add(visit(2, at(10, 7)));
  source.add(visit(1, at(10, 45)));
  const auto partials = source.take_partials();
  REQUIRE(partials.size() == 2); // steps 10:00-10:10 and 10:40-10:50
  for (const auto& p : partials) {
    REQUIRE(p.window);
    CHECK(p.window->start == at(10, 0)); // the period: routed together
    CHECK((p.window->end == at(10, 10) || p.window->end == at(10, 50)));
  }
}

TEST_CASE("a pre-aggregation counts the distinct values it buffers until they are taken") {
  // A source bounds its buffers by them (preagg.max-buffered-users): its
  // sets collect values unsorted until the partials leave.
  cumulate_fixture f;
  auto source = f.make();
  source.pre_aggregate();
  auto owner = f.make();
  for (int64_t user = 0; user < 1000; ++user)
    source.add(visit(user % 300, at(10, 5)));
  CHECK(source.buffered_values() == 1000);
  for (auto& partial : source.take_partials())
    owner.merge(std::move(partial));
  CHECK(source.buffered_values() == 0);
  const auto fired = ends_and_counts(owner.fire(at(10, 10)));
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].second == 300);
  // An aggregator that is not a pre-aggregation buffers nothing it counts.
  owner.add(visit(1, at(10, 15)));
  CHECK(owner.buffered_values() == 0);
}

TEST_CASE("an owner emits each step's window from the running union") {
  cumulate_fixture f;
  auto source = f.make();
  auto owner = f.make();
  source.add(visit(1, at(10, 5)));
  source.add(visit(2, at(10, 7)));
  for (auto& p : source.take_partials())
    owner.merge(std::move(p));
  CHECK(owner.fire(at(10, 10) - 2).empty()); // the first step has not ended
  using v = std::vector<std::pair<int64_t, int64_t>>;
  CHECK(ends_and_counts(owner.fire(at(10, 30) - 1))
        == v{{at(10, 10), 2}, {at(10, 20), 2}, {at(10, 30), 2}});
  source.add(visit(1, at(10, 35)));
  source.add(visit(3, at(10, 41)));
  for (auto& p : source.take_partials())
    owner.merge(std::move(p));
  CHECK(ends_and_counts(owner.fire(at(11, 0) - 1))
        == v{{at(10, 40), 2}, {at(10, 50), 3}, {at(11, 0), 3}});
  // The period is over: nothing is kept.
  CHECK(owner.groups() == 0);
  CHECK(owner.finish().empty());
  CHECK(owner.late_partials() == 0);
}

TEST_CASE("a late slice counts in the windows still open") {
  cumulate_fixture f;
  auto source = f.make();
  auto owner = f.make();
  source.add(visit(1, at(10, 5)));
  for (auto& p : source.take_partials())
    owner.merge(std::move(p));
  (void)owner.fire(at(10, 20) - 1); // windows to 10:20 fired
  // User 2 at 10:15 arrives now: late for 10:20, counted from 10:30 on.
  source.add(visit(2, at(10, 15)));
  for (auto& p : source.take_partials())
    owner.merge(std::move(p));
  CHECK(owner.late_partials() == 1);
  using v = std::vector<std::pair<int64_t, int64_t>>;
  CHECK(ends_and_counts(owner.fire(at(10, 30) - 1)) == v{{at(10, 30), 2}});
  // A slice of a period that has fired whole is dropped.
  (void)owner.fire(at(11, 0) - 1);
  source.add(visit(3, at(10, 59)));
  for (auto& p : source.take_partials())
    owner.merge(std::move(p));
  CHECK(owner.late_partials() == 2);
  CHECK(owner.finish().empty());
}

TEST_CASE("restored slices rebuild the running union") {
  cumulate_fixture f;
  auto source = f.make();
  auto owner = f.make();
  source.add(visit(1, at(10, 5)));
  source.add(visit(2, at(10, 25)));
  for (auto& p : source.take_partials())
    owner.merge(std::move(p));
  (void)owner.fire(at(10, 30) - 1);
  // A checkpoint now holds both slices; a new owner takes them.
  auto restored = f.make();
  for (auto& p : owner.copy_partials())
    restored.merge(std::move(p));
  // Firing at the checkpoint's watermark again gives the same windows (an
  // idempotent rewrite), and later ones continue from the union.
  using v = std::vector<std::pair<int64_t, int64_t>>;
  CHECK(ends_and_counts(restored.fire(at(10, 30) - 1))
        == v{{at(10, 10), 1}, {at(10, 20), 1}, {at(10, 30), 2}});
  source.add(visit(3, at(10, 31)));
  for (auto& p : source.take_partials())
    restored.merge(std::move(p));
  CHECK(ends_and_counts(restored.fire(at(10, 40) - 1)) == v{{at(10, 40), 3}});
}

TEST_CASE("a row behind its partition's watermark skips the windows it passed") {
  cumulate_fixture f;
  auto source = f.make();
  auto owner = f.make();
  source.add(visit(1, at(10, 5)));
  // The partition's watermark is at 10:20: user 2 at 10:15 is late for
  // the windows to 10:20 and counts from 10:30 on; user 3 at 10:01 of the
  // previous hour's period is late for all of it.
  source.add(visit(2, at(10, 15)), at(10, 20) - 1);
  source.add(visit(3, at(9, 58)), at(10, 20) - 1);
  CHECK(source.late_rows() == 2);
  for (auto& p : source.take_partials())
    owner.merge(std::move(p));
  using v = std::vector<std::pair<int64_t, int64_t>>;
  CHECK(ends_and_counts(owner.fire(at(10, 30) - 1))
        == v{{at(10, 10), 1}, {at(10, 20), 1}, {at(10, 30), 2}});
  CHECK(owner.late_partials() == 0);
}

} // TEST_SUITE
