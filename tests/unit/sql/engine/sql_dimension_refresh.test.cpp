// A SQL job's dimensions read again every lookup.cache-ttl
// (worker/lookup/sql_dimension_refresher): in the background, at most one
// read at a time, a failed read retried sooner and the rows in use kept;
// the source stage swaps new rows in at a flush, so the next lookups see a
// changed dimension row, as a Flink lookup join does once its cache entry
// expired.

#include "common/sql/exec/sql_job.hpp"
#include "tests/unit/sql/exec/batch_test_support.hpp"
#include "worker/lookup/sql_dimension_refresher.hpp"
#include "worker/preagg/sql_source_stage.hpp"
#include "worker/source/memory_reader.hpp"
#include "worker/source/source_task.hpp"
#include "worker/state/sql_owner_state.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

/// Polls until a read finishes (bounded: two seconds).
std::optional<sql_dimension_refresher::result>
finished(sql_dimension_refresher& refresher, int64_t now_ms) {
  for (int i = 0; i < 2000; ++i) {
    if (auto r = refresher.poll(now_ms))
      return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::nullopt;
}

std::shared_ptr<const sql_job> compile(const std::string& path) {
  std::string error;
  auto job = compile_sql_job(path, read_text_file(path), error);
  REQUIRE_MESSAGE(job, error);
  return job;
}

sql_dimension_tables categories(const std::string& name) {
  return {{1, {sql_row{sql_value::bigint(2), sql_value::string(name)}}}};
}

/// A reader of "Music" rows that fails with "MySQL is down" while `fail`
/// is set, counting its reads in `reads` if given.
sql_dimension_refresher::reader music_unless(std::atomic<bool>& fail,
                                             std::atomic<int>* reads = nullptr) {
  return [&fail, reads](sql_dimension_tables& rows, std::string& error) {
    if (reads)
      ++*reads;
    if (fail) {
      error = "MySQL is down";
      return false;
    }
    rows = categories("Music");
    return true;
  };
}

} // namespace

TEST_SUITE("sql.engine.dimension_refresh") {

TEST_CASE("a read is due a period after the first poll, a failed one again after the retry") {
  std::atomic<int> reads{0};
  std::atomic<bool> fail{false};
  sql_dimension_refresher refresher{
    music_unless(fail, &reads),
    1000, 100};
  CHECK_FALSE(refresher.poll(0)); // the first call starts the clock
  CHECK_FALSE(refresher.poll(999));
  CHECK(reads == 0);
  CHECK_FALSE(refresher.reading());
  CHECK_FALSE(refresher.poll(1000)); // starts the read
  auto read = finished(refresher, 1000);
  REQUIRE(read);
  CHECK(read->ok());
  CHECK(read->rows == categories("Music"));
  CHECK(reads == 1);
  // Next due a period later; a failure is retried after 100 ms.
  fail = true;
  CHECK_FALSE(refresher.poll(1999));
  CHECK_FALSE(refresher.poll(2000));
  read = finished(refresher, 2000);
  REQUIRE(read);
  CHECK(read->error == "MySQL is down");
  CHECK(read->rows.empty());
  CHECK_FALSE(refresher.poll(2099));
  CHECK_FALSE(refresher.poll(2100));
  REQUIRE(finished(refresher, 2100));
  CHECK(reads == 3);
}

TEST_CASE("a reader that throws is a failed read; a period of 0 never reads") {
  sql_dimension_refresher throwing{
    [](sql_dimension_tables&, std::string&) -> bool {
      throw std::runtime_error("connection reset");
    },
    10, 10};
  throwing.poll(0);
  throwing.poll(10);
  auto read = finished(throwing, 10);
  REQUIRE(read);
  CHECK(read->error == "connection reset");
  int reads = 0;
  sql_dimension_refresher never{[&](sql_dimension_tables&, std::string&) {
                                  ++reads;
                                  return true;
                                },
                                0, 0};
  for (int64_t t = 0; t < 100'000; t += 1000)
    CHECK_FALSE(never.poll(t));
  CHECK(reads == 0);
}

TEST_CASE("the source stage swaps read rows in: the next lookups see the change") {
  const auto job = compile(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql");
  constexpr uint32_t key_groups = 64;
  sql_source_stage stage{job, time_zone::utc(), timestamp_policy{},
                         categories("Books"), 0, {{0, key_groups}}, key_groups,
                         1 << 20};
  std::atomic<bool> fail{false};
  stage.refresh_dimensions(
    music_unless(fail),
    1000, 100);
  sql_owner_state owner{job, time_zone::utc(), {0, key_groups}, key_groups, 1};
  std::map<std::string, std::string> top_category; // id -> document
  source_stats stats;
  auto buy_and_flush = [&](int64_t now_ms, bool poll_until_read) {
    event_time ts = min_event_time;
    REQUIRE(stage.add("{\"user_id\":1,\"item_id\":1,\"category_id\":2,"
                      "\"behavior\":\"buy\",\"ts\":\"2017-11-26 01:00:00\"}",
                      false, min_event_time, ts)
              .ok());
    const auto failures = stats.lookup_failures;
    for (int i = 0; i < 2000; ++i) {
      std::vector<partial_batch> batches(1);
      stage.drain(now_ms, batches, stats);
      state_output out;
      std::string error;
      REQUIRE_MESSAGE(owner.merge(batches[0], out, error), error);
      owner.emit_updates(out);
      for (const auto& row : out.rows)
        if (row.index == "top_category")
          top_category[row.id] = row.document;
      if (!poll_until_read || !stage.reading_dimensions()
          || stats.lookup_failures != failures)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  buy_and_flush(0, false);
  REQUIRE(top_category.count("Books"));
  buy_and_flush(1000, true); // the read starts, and finishes
  buy_and_flush(1001, false);
  CHECK(top_category.count("Music"));
  CHECK(stats.lookup_failures == 0);
  CHECK_FALSE(stats.lookup_failing);
  // A failed read: counted, shown, and the rows in use stay.
  fail = true;
  buy_and_flush(2001, true);
  CHECK(stats.lookup_failures == 1);
  CHECK(stats.lookup_failing);
  CHECK(stats.lookup_error == "MySQL is down");
  top_category.clear();
  buy_and_flush(2002, false);
  CHECK(top_category.count("Music"));
  // Back: the failure clears.
  fail = false;
  buy_and_flush(2101, true);
  buy_and_flush(2102, false);
  CHECK_FALSE(stats.lookup_failing);
  CHECK(stats.lookup_error.empty());
}

TEST_CASE("read_now: the first read is due at once and retried until it succeeds, even with no period") {
  std::atomic<int> reads{0};
  std::atomic<bool> fail{true};
  sql_dimension_refresher refresher{
    music_unless(fail, &reads),
    0, 10, 40};
  CHECK_FALSE(refresher.needed());
  refresher.read_now();
  CHECK(refresher.needed());
  int64_t now = 0;
  for (int failed = 1; failed <= 4; ++failed) {
    // Each retry after a growing delay: 5-10, 10-20, 20-40, 20-40 ms.
    CHECK_FALSE(refresher.poll(now)); // starts it
    auto read = finished(refresher, now);
    REQUIRE(read);
    CHECK(read->error == "MySQL is down");
    CHECK(refresher.failures() == static_cast<uint32_t>(failed));
    CHECK(refresher.needed());
    CHECK_FALSE(refresher.poll(now + 4)); // not due yet
    CHECK_FALSE(refresher.reading());
    now += 40;
  }
  fail = false;
  CHECK_FALSE(refresher.poll(now));
  auto read = finished(refresher, now);
  REQUIRE(read);
  CHECK(read->ok());
  CHECK_FALSE(refresher.needed());
  CHECK(refresher.failures() == 0);
  const int done = reads;
  for (int64_t t = now; t < now + 100'000; t += 1000)
    CHECK_FALSE(refresher.poll(t)); // no period: never again
  CHECK(reads == done);
}

TEST_CASE("a stage whose dimensions could not be read waits, reading no record, until they are") {
  const auto job = compile(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql");
  constexpr uint32_t key_groups = 64;
  sql_source_stage stage{job, time_zone::utc(), timestamp_policy{}, {}, 0,
                         {{0, key_groups}}, key_groups, 1 << 20};
  std::atomic<bool> fail{true};
  stage.refresh_dimensions(
    music_unless(fail),
    600'000, 10, 20);
  source_stats stats;
  CHECK(stage.ready(0, stats)); // nothing to wait for yet
  stage.await_dimensions("Can't connect");
  CHECK_FALSE(stage.ready(0, stats));
  CHECK(stats.lookup_failing);
  CHECK(stats.lookup_error == "waiting for the dimensions: Can't connect");
  // Failed reads in the background: counted, shown, still waiting.
  int64_t now = 0;
  for (int i = 0; i < 2000 && stats.lookup_failures < 2; ++i, now += 5) {
    CHECK_FALSE(stage.ready(now, stats));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(stats.lookup_failures == 2);
  CHECK(stats.lookup_error == "waiting for the dimensions: MySQL is down");
  fail = false;
  bool ready = false;
  for (int i = 0; i < 2000 && !ready; ++i, now += 5) {
    ready = stage.ready(now, stats);
    if (!ready)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(ready);
  CHECK_FALSE(stats.lookup_failing);
  CHECK(stats.lookup_error.empty());
  // The rows read are the ones the lookups see.
  event_time ts = min_event_time;
  REQUIRE(stage.add("{\"user_id\":1,\"item_id\":1,\"category_id\":2,"
                    "\"behavior\":\"buy\",\"ts\":\"2017-11-26 01:00:00\"}",
                    false, min_event_time, ts)
            .ok());
  std::vector<partial_batch> batches(1);
  stage.drain(now, batches, stats);
  sql_owner_state owner{job, time_zone::utc(), {0, key_groups}, key_groups, 1};
  state_output out;
  std::string error;
  REQUIRE_MESSAGE(owner.merge(batches[0], out, error), error);
  owner.emit_updates(out);
  bool music = false;
  for (const auto& row : out.rows)
    music = music || (row.index == "top_category" && row.id == "Music");
  CHECK(music);
}

TEST_CASE("a source task waiting for its dimensions reads nothing, and its partitions are not idle") {
  const auto job = compile(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql");
  constexpr uint32_t key_groups = 64;
  auto stage = std::make_unique<sql_source_stage>(
    job, time_zone::utc(), timestamp_policy{}, sql_dimension_tables{}, 0,
    std::vector<key_group_range>{{0, key_groups}}, key_groups, 1 << 20);
  std::atomic<bool> fail{true};
  stage->refresh_dimensions(music_unless(fail), 600'000, 10, 20);
  stage->await_dimensions("Can't connect");
  const std::string record = "{\"user_id\":1,\"item_id\":1,\"category_id\":2,"
                             "\"behavior\":\"buy\",\"ts\":\"2017-11-26 01:00:00\"}";
  source_task_settings settings;
  settings.partitions = {0};
  settings.idle_timeout_ms = 1000;
  source_task task{settings,
                   std::make_unique<memory_reader>(
                     std::vector<std::vector<std::string_view>>{{record}}),
                   std::move(stage), 1};
  // Long past the idle timeout, still waiting: nothing read, not idle.
  for (int64_t now = 0; now <= 5000; now += 500) {
    REQUIRE(task.step(0, now));
    CHECK(task.waiting());
  }
  CHECK(task.stats().records_in == 0);
  std::vector<partial_batch> out;
  task.flush(5000, out, true);
  REQUIRE(out.size() == 1);
  CHECK_FALSE(out[0].idle);
  CHECK_FALSE(out[0].end_of_input);
  // The dimension comes: the record is read.
  fail = false;
  for (int i = 0; i < 2000 && task.waiting(); ++i) {
    REQUIRE(task.step(0, 5000 + i));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK_FALSE(task.waiting());
  CHECK(task.stats().records_in == 1);
}

}
