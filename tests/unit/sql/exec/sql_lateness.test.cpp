// Allowed lateness of a SQL job's windows (event-time.allowed-lateness,
// sql_group_aggregator::set_allowed_lateness): a window fires when the
// watermark passes its end and is kept for the allowed lateness after it;
// late rows and partials within it update the window, which fires again
// (an upsert of its row); beyond it they are dropped and counted. A
// CUMULATE step fires once, as the built-in job's daily UV does.

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/sql_planner.hpp"
#include "tests/unit/sql/binder_test_support.hpp"
#include "tests/unit/sql/exec/exec_test_support.hpp"

#include <doctest/doctest.h>

#include <memory>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

/// Distinct users and rows per 10 minutes.
const std::string tumble_query
  = "INSERT INTO per_window SELECT TUMBLE_START(ts, INTERVAL '10' MINUTE), "
    "TUMBLE_END(ts, INTERVAL '10' MINUTE), COUNT(DISTINCT user_id) FROM ub "
    "GROUP BY TUMBLE(ts, INTERVAL '10' MINUTE);";

const std::string cumulate_query
  = "INSERT INTO per_window SELECT window_start, window_end, COUNT(DISTINCT user_id) "
    "FROM TABLE(CUMULATE(TABLE ub, DESCRIPTOR(ts), INTERVAL '10' MINUTE, "
    "INTERVAL '1' HOUR)) GROUP BY window_start, window_end;";

struct fixture {
  explicit fixture(const std::string& query)
    : script(bound_after_prelude(query)) {
    auto planned = plan_script(script);
    REQUIRE(planned.ok());
    plan = planned.plan;
  }
  bound_script script;
  sql_plan plan;
  sql_row_evaluator evaluator{time_zone::utc()};
  std::unique_ptr<sql_group_aggregator> make(int64_t lateness_ms) {
    auto a = std::make_unique<sql_group_aggregator>(
      plan.queries.at(0), evaluator, [](const std::string&) {});
    a->set_allowed_lateness(lateness_ms);
    return a;
  }
};

int64_t at(int hour, int minute) { return at_local(2017, 11, 26, hour, minute); }

/// A source's partials for rows of users at `ts`, behind `watermark`.
std::vector<sql_partial> partials(const std::unique_ptr<sql_group_aggregator>& source,
                                  std::vector<int64_t> users, int64_t ts,
                                  int64_t watermark = INT64_MIN) {
  for (auto user : users)
    source->add(visit(user, ts), watermark);
  return source->take_partials();
}

constexpr int64_t minute = 60'000;

} // namespace

TEST_SUITE("sql.exec.lateness") {

TEST_CASE("a window fires at the watermark, again for late rows within the lateness, then goes") {
  fixture f{tumble_query};
  auto source = f.make(30 * minute);
  auto owner = f.make(30 * minute);
  for (auto& p : partials(source, {1, 2}, at(10, 5)))
    owner->merge(std::move(p));
  using rows = std::vector<std::pair<int64_t, int64_t>>;
  CHECK(ends_and_counts(owner->fire(at(10, 10) - 1)) == rows{{at(10, 10), 2}});
  CHECK(owner->fire(at(10, 20)).empty()); // nothing changed: not again
  // A row 20 minutes behind its window's end: taken by the source (its
  // partition's watermark is within the lateness) and by the owner->
  for (auto& p : partials(source, {3}, at(10, 6), at(10, 30)))
    owner->merge(std::move(p));
  CHECK(source->late_rows() == 0);
  CHECK(owner->late_partials() == 0);
  CHECK(ends_and_counts(owner->fire(at(10, 30))) == rows{{at(10, 10), 3}});
  // Beyond the lateness: the source drops the row, the owner the partial.
  CHECK(partials(source, {4}, at(10, 7), at(10, 41)).empty());
  CHECK(source->late_rows() == 1);
  CHECK(owner->fire(at(10, 41)).empty());
  CHECK(owner->groups() == 0); // kept until its lateness passed, then gone
  auto unchecked = f.make(0); // a source that judged it by another watermark
  for (auto& p : partials(unchecked, {4}, at(10, 7)))
    owner->merge(std::move(p));
  CHECK(owner->late_partials() == 1);
  CHECK(owner->groups() == 0);
  CHECK(owner->finish().empty()); // never fired with part of its data
}

TEST_CASE("without lateness a window fires once and late partials are dropped") {
  fixture f{tumble_query};
  auto source = f.make(0);
  auto owner = f.make(0);
  for (auto& p : partials(source, {1, 2}, at(10, 5)))
    owner->merge(std::move(p));
  CHECK(ends_and_counts(owner->fire(at(10, 10))).size() == 1);
  CHECK(owner->groups() == 0);
  CHECK(partials(source, {3}, at(10, 6), at(10, 10)).empty());
  CHECK(source->late_rows() == 1);
}

TEST_CASE("a CUMULATE step fires once, lateness or not") {
  fixture f{cumulate_query};
  auto owner = f.make(30 * minute);
  auto source = f.make(30 * minute);
  for (auto& p : partials(source, {1}, at(10, 5)))
    owner->merge(std::move(p));
  CHECK(ends_and_counts(owner->fire(at(10, 10))).size() == 1);
  // A late slice of the first step goes into the first step still open,
  // as without lateness: the fired step is not emitted again.
  for (auto& p : partials(f.make(0), {2}, at(10, 6)))
    owner->merge(std::move(p));
  CHECK(owner->late_partials() == 1);
  using rows = std::vector<std::pair<int64_t, int64_t>>;
  CHECK(ends_and_counts(owner->fire(at(10, 20))) == rows{{at(10, 20), 2}});
}

}
