// The SQL job's combiner (worker/state/sql_combiner): shares of a query
// routed by distinct value, per key group, added up into the query's row
// once every key group's progress has passed the window; rewritten within
// the allowed lateness; checkpointed; slices that do not fit are refused.

#include "worker/state/sql_combiner.hpp"

#include "common/sql/exec/sql_job.hpp"

#include <boost/json/parse.hpp>
#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ubaflow;

namespace {

constexpr uint32_t key_groups = 4;
const key_group_range owner_a{0, 2};
const key_group_range owner_b{2, 4};
constexpr int64_t minute = 60'000;
constexpr int64_t t0 = 1'511'661'600'000; // 2017-11-26 02:00:00 UTC

// Query 0 counts users and buyers per minute (routed by distinct value),
// query 1 counts rows per minute (by window: no combiner).
const char* script = R"(
CREATE TABLE clicks (user_id BIGINT, behavior STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'clicks',
        'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE uv (w STRING, users BIGINT, buyers BIGINT,
  PRIMARY KEY (w) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://es:9200', 'index' = 'uv');
CREATE TABLE pv (w STRING, n BIGINT, PRIMARY KEY (w) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://es:9200', 'index' = 'pv');
INSERT INTO uv
SELECT DATE_FORMAT(window_start, 'HH:mm'), COUNT(DISTINCT user_id),
       COUNT(DISTINCT user_id) FILTER (WHERE behavior = 'buy')
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
INSERT INTO pv
SELECT DATE_FORMAT(window_start, 'HH:mm'), COUNT(*)
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
)";

std::shared_ptr<const sql_job> job() {
  std::string error;
  auto compiled = compile_sql_job("combiner.sql", script, error);
  REQUIRE_MESSAGE(compiled, error);
  REQUIRE(compiled->plan.queries.size() == 2);
  REQUIRE(compiled->plan.queries[0].combiner);
  REQUIRE_FALSE(compiled->plan.queries[1].combiner);
  return compiled;
}

/// The counts of key groups `groups` of an owner in the minute from `start`.
uv_slice slice(uint32_t aggregate, int64_t start,
               std::vector<group_users> groups) {
  uv_slice s;
  s.window_start = start;
  s.window_end = start + minute;
  s.aggregate = aggregate;
  s.groups = std::move(groups);
  return s;
}

uv_report report(key_group_range range, int64_t watermark,
                 std::vector<uv_slice> slices, bool final = false) {
  uv_report r;
  r.owner = range.first == 0 ? 0 : 1;
  r.slices = std::move(slices);
  for (auto& s : r.slices)
    s.range = range;
  r.progress = {range, watermark, final};
  return r;
}

std::string text_of(const result_row& row) {
  return row.index + " " + row.id + " " + row.document;
}

} // namespace

TEST_SUITE("sql_combiner") {

TEST_CASE("a window's row is the sum of every key group's share, once all "
          "have passed it") {
  sql_combiner c{job(), time_zone::utc(), key_groups, 0};
  std::vector<result_row> rows;
  c.on_report(report(owner_a, t0 + minute,
                     {slice(0, t0, {{0, 3}, {1, 4}}), slice(1, t0, {{1, 1}})}),
              rows);
  CHECK(rows.empty()); // owner b has not passed the minute yet
  c.on_report(report(owner_b, t0 + 10, {}), rows);
  CHECK(rows.empty());
  c.on_report(report(owner_b, t0 + minute,
                     {slice(0, t0, {{2, 5}}), slice(1, t0, {{2, 2}, {3, 0}})}),
              rows);
  REQUIRE(rows.size() == 1);
  CHECK(text_of(rows[0])
        == R"(uv 02:00 {"w":"02:00","users":12,"buyers":3})");
  CHECK(c.watermark() == t0 + minute);
  CHECK(c.pending_windows() == 0); // no lateness: final and gone
  CHECK_FALSE(c.finished());
  c.on_report(report(owner_a, t0 + minute, {}, true), rows);
  c.on_report(report(owner_b, t0 + minute, {}, true), rows);
  CHECK(c.finished());
  CHECK(rows.size() == 1);
}

TEST_CASE("within the allowed lateness a changed share rewrites the row; "
          "after it a share is late") {
  sql_combiner c{job(), time_zone::utc(), key_groups, 5 * minute};
  std::vector<result_row> rows;
  c.on_report(report(owner_a, t0 + minute, {slice(0, t0, {{0, 3}})}), rows);
  c.on_report(report(owner_b, t0 + minute, {slice(0, t0, {{2, 2}})}), rows);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].document == R"({"w":"02:00","users":5,"buyers":0})");
  // A late record of key group 0: its owner sends the group's new count,
  // which replaces the old one (3 -> 4), not adds to it.
  c.on_report(report(owner_a, t0 + 2 * minute, {slice(0, t0, {{0, 4}})}), rows);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].id == rows[0].id);
  CHECK(rows[1].document == R"({"w":"02:00","users":6,"buyers":0})");
  // The same count again: nothing to rewrite.
  c.on_report(report(owner_a, t0 + 2 * minute, {slice(0, t0, {{0, 4}})}), rows);
  CHECK(rows.size() == 2);
  // Past the lateness the window is gone; a share for it is late.
  c.on_report(report(owner_a, t0 + 7 * minute, {}), rows);
  c.on_report(report(owner_b, t0 + 7 * minute, {}), rows);
  CHECK(c.pending_windows() == 0);
  c.on_report(report(owner_a, t0 + 7 * minute, {slice(0, t0, {{1, 9}})}), rows);
  CHECK(c.late_slices() == 1);
  CHECK(rows.size() == 2);
}

TEST_CASE("a checkpoint keeps pending shares and progress") {
  sql_combiner c{job(), time_zone::utc(), key_groups, 0};
  std::vector<result_row> rows;
  c.on_report(report(owner_a, t0 + minute,
                     {slice(0, t0, {{0, 3}}), slice(1, t0, {{0, 1}})}),
              rows);
  const auto saved = c.snapshot();
  CHECK(saved.windows.size() == 2); // one per aggregate

  sql_combiner restored{job(), time_zone::utc(), key_groups, 0};
  REQUIRE(restored.restore(saved));
  restored.on_report(report(owner_b, t0 + minute, {slice(0, t0, {{3, 2}})}),
                     rows);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].document == R"({"w":"02:00","users":5,"buyers":1})");

  // Another number of key groups, or a query this job does not combine.
  sql_combiner other{job(), time_zone::utc(), key_groups * 2, 0};
  CHECK_FALSE(other.restore(saved));
  auto foreign = saved;
  foreign.windows[0].query = 1;
  sql_combiner again{job(), time_zone::utc(), key_groups, 0};
  CHECK_FALSE(again.restore(foreign));
}

TEST_CASE("slices that do not fit the job are refused") {
  sql_combiner c{job(), time_zone::utc(), key_groups, 0};
  CHECK_FALSE(c.check(report(owner_a, t0, {slice(1, t0, {{0, 1}})})));
  auto not_combined = slice(0, t0, {{0, 1}});
  not_combined.query = 1;
  CHECK(c.check(report(owner_a, t0, {not_combined})));
  CHECK(c.check(report(owner_a, t0, {slice(2, t0, {{0, 1}})})));
  CHECK(c.check(report(owner_a, t0, {slice(0, t0, {{2, 1}})}))); // b's group
  CHECK(c.check(report(owner_a, t0, {slice(0, t0, {{0, -1}})})));
  auto empty = slice(0, t0, {{0, 1}});
  empty.window_end = empty.window_start;
  CHECK(c.check(report(owner_a, t0, {empty})));
}

} // TEST_SUITE
