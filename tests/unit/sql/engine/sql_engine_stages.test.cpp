// A SQL job's stages as the engine runs them: JSON records through the
// source stage (worker/preagg/sql_source_stage) into partial batches, the
// owners' logic (worker/state/sql_owner_state) under their inputs'
// combined watermark, checkpointed by key group half-way and restored
// into three owners instead of two; queries routed by distinct value go
// through the combiner (worker/state/sql_combiner), itself checkpointed
// and restored at the same point; the documents the sinks get equal the
// batch executor's, index by index and id by id.

#include "common/sql/exec/sql_batch_executor.hpp"
#include "common/sql/exec/sql_document.hpp"
#include "common/sql/exec/sql_job.hpp"
#include "common/time/civil.hpp"
#include "tests/unit/sql/exec/batch_test_support.hpp"
#include "worker/preagg/sql_source_stage.hpp"
#include "worker/source/source_task.hpp"
#include "worker/state/sql_combiner.hpp"
#include "worker/state/sql_owner_state.hpp"

#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

#include <map>
#include <memory>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

constexpr uint32_t key_groups = 64;

std::vector<key_group_range> ranges(uint32_t owners) {
  return owner_ranges(owners, key_groups);
}

std::string json_record(const user_event& e) {
  return "{\"user_id\":" + std::to_string(e.user_id) + ",\"item_id\":\""
         + std::to_string(e.item_id) + "\",\"category_id\":"
         + std::to_string(e.category_id) + ",\"behavior\":\""
         + behavior_name(e.kind) + "\",\"ts\":\"" + format_sql_time(e.ts)
         + "\"}";
}

using documents = std::map<std::pair<std::string, std::string>, std::string>;

std::shared_ptr<const sql_job> compile(const std::string& path) {
  std::string error;
  auto job = compile_sql_job(path, read_text_file(path), error);
  REQUIRE_MESSAGE(job, error);
  return job;
}

/// What the batch executor leaves in the sinks, as the engine names it.
documents batch_documents(const sql_job& job,
                          const std::vector<user_event>& events,
                          const std::map<uint32_t, std::vector<sql_row>>& dims) {
  sql_batch_input input;
  input.tables = dims;
  for (const auto& e : events)
    input.tables[job.source_table].push_back(behaviour_row(e));
  const auto result = run_batch(job.script, job.plan, input, time_zone::utc());
  documents out;
  for (const auto& sink : result.sinks) {
    const auto& table = job.script.tables.at(sink.table);
    for (const auto& row : sink.rows) {
      auto doc = sql_document(table, row, time_zone::utc());
      out[{sink_index_name(table), document_id(table, row, doc)}]
        = boost::json::serialize(doc);
    }
  }
  return out;
}

void check_engine(const std::string& path) {
  const auto job = compile(path);
  std::map<uint32_t, std::vector<sql_row>> dims;
  for (uint32_t t = 0; t < job->script.tables.size(); ++t)
    if (job->script.tables[t].name == "category_dim")
      dims[t] = category_rows(UBAFLOW_SOURCE_DIR "/data/category.csv");
  const auto events = simulated_days(20'000, 3'000, 5);
  documents written;
  auto combiner = std::make_unique<sql_combiner>(job, time_zone::utc(),
                                                 key_groups, 0);
  size_t combined_rows = 0;
  // What an owner emitted: rows to the sinks, slices and its progress to
  // the combiner (as the owner actor sends them), the combiner's rows to
  // the sinks too.
  auto sink = [&](const sql_owner_state& owner, uint32_t index,
                  state_output& out) {
    uv_report report;
    report.owner = index;
    report.slices = std::move(out.slices);
    report.progress = {owner.range(), owner.watermark(), owner.finished()};
    REQUIRE_FALSE(combiner->check(report));
    std::vector<result_row> combined;
    combiner->on_report(report, combined);
    combined_rows += combined.size();
    for (auto& row : combined)
      out.rows.push_back(std::move(row));
    for (auto& row : out.rows)
      written[{row.index, row.id}] = row.document;
    out.clear();
  };

  auto make_owners = [&](uint32_t n) {
    std::vector<std::unique_ptr<sql_owner_state>> owners;
    for (const auto& range : ranges(n))
      owners.push_back(std::make_unique<sql_owner_state>(
        job, time_zone::utc(), range, key_groups, 1));
    return owners;
  };
  auto make_stage = [&](uint32_t n) {
    return std::make_unique<sql_source_stage>(job, time_zone::utc(),
                                              timestamp_policy{}, dims, 0,
                                              ranges(n), key_groups, 1 << 20);
  };
  auto owners = make_owners(2);
  auto stage = make_stage(2);
  int64_t max_ts = INT64_MIN;
  state_output out;
  source_stats stats;
  auto flush = [&](bool end) {
    std::vector<partial_batch> batches(owners.size());
    stage->drain(0, batches, stats);
    for (size_t o = 0; o < owners.size(); ++o) {
      batches[o].source = 0;
      batches[o].watermark = max_ts - source_watermark_delay_ms(*job);
      batches[o].end_of_input = end;
      std::string error;
      REQUIRE_MESSAGE(owners[o]->merge(batches[o], out, error), error);
      sink(*owners[o], static_cast<uint32_t>(o), out);
    }
  };
  const size_t half = events.size() / 2;
  for (size_t i = 0; i < events.size(); ++i) {
    event_time ts = min_event_time;
    REQUIRE(stage->add(json_record(events[i]), false, min_event_time, ts).ok());
    CHECK(ts == events[i].ts);
    max_ts = std::max(max_ts, ts);
    if (i % 997 == 0)
      flush(false);
    if (i % 5000 == 0)
      for (size_t o = 0; o < owners.size(); ++o) {
        owners[o]->emit_updates(out);
        sink(*owners[o], static_cast<uint32_t>(o), out);
      }
    if (i == half) {
      // A checkpoint at a barrier: everything flushed, the owners' state
      // by key group; restored into three owners, each with the lowest
      // watermark as its floor.
      flush(false);
      std::vector<key_group_snapshot> groups;
      event_time floor = max_event_time;
      for (auto& o : owners) {
        for (auto& g : o->snapshot_groups(key_groups))
          groups.push_back(std::move(g));
        floor = std::min(floor, o->watermark());
      }
      CHECK_FALSE(groups.empty());
      const auto combined = combiner->snapshot();
      combiner = std::make_unique<sql_combiner>(job, time_zone::utc(),
                                                key_groups, 0);
      REQUIRE(combiner->restore(combined));
      owners = make_owners(3);
      stage = make_stage(3);
      for (auto& g : groups)
        for (auto& o : owners)
          if (o->range().contains(g.group))
            REQUIRE(o->restore(g));
      for (auto& o : owners)
        o->restore_watermark(floor);
    }
  }
  flush(true);
  for (auto& o : owners)
    CHECK(o->finished());
  CHECK(combiner->finished());
  CHECK(combiner->pending_windows() == 0);
  CHECK(combiner->late_slices() == 0);
  CHECK(combiner->rejected() == 0);
  if (needs_combiner(*job))
    CHECK(combined_rows > 0);
  CHECK(stage->accepted() == events.size() - half - 1);
  CHECK(stats.partials_sent > 0);
  const auto expected = batch_documents(*job, events, dims);
  CHECK(written.size() == expected.size());
  size_t differences = 0;
  for (const auto& [key, doc] : expected) {
    auto it = written.find(key);
    if (it == written.end() || it->second != doc) {
      if (++differences <= 5)
        MESSAGE(key.first, " ", key.second, ": expected ", doc, ", found ",
                it == written.end() ? std::string{"nothing"} : it->second);
    }
  }
  CHECK(differences == 0);
}

} // namespace

TEST_SUITE("sql.engine.stages") {

TEST_CASE("jobs/taobao.sql through the engine's stages equals batch") {
  check_engine(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql");
}

TEST_CASE("the ten example queries through the engine's stages equal batch") {
  check_engine(UBAFLOW_SOURCE_DIR "/jobs/examples/behaviour_metrics.sql");
}

TEST_CASE("records the stage cannot read are rejected with a reason") {
  const auto job = compile(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql");
  sql_source_stage stage{job, time_zone::utc(), timestamp_policy{}, {}, 0,
                         ranges(1), key_groups, 100};
  event_time ts = min_event_time;
  CHECK(stage.add("{\"user_id\":1}", false, min_event_time, ts).reason
        == reject_reason::missing_field);
  CHECK(stage.add("not json", false, min_event_time, ts).reason
        == reject_reason::malformed_record);
  CHECK(stage.add("1,2,3,pv", true, min_event_time, ts).reason
        == reject_reason::malformed_record);
  CHECK(stage.accepted() == 0);
  CHECK_FALSE(stage.buffers_full());
  // CSV (the Tianchi file's shape): read, its header known as one.
  CHECK(stage.is_csv_header("user_id,item_id,category_id,behavior,ts"));
  CHECK_FALSE(stage.is_csv_header("1,2,3,pv,1511658000"));
  CHECK(stage.add("1,2,3,pv,1511658000", true, min_event_time, ts).ok());
  CHECK(ts == 1511658000000);
  CHECK(stage.accepted() == 1);
}

/// One source's flush to a single owner of every key group: `users`
/// distinct users' records of `behavior` in one hour.
partial_batch one_owners_batch(const std::shared_ptr<const sql_job>& job,
                               int users, const std::string& behavior,
                               source_stats& stats) {
  sql_source_stage stage{job, time_zone::utc(), timestamp_policy{}, {}, 0,
                         {{0, key_groups}}, key_groups, 100};
  event_time ts = min_event_time;
  for (int u = 0; u < users; ++u)
    REQUIRE(stage.add("{\"user_id\":" + std::to_string(u)
                        + ",\"item_id\":1,\"category_id\":2,\"behavior\":\""
                        + behavior + "\",\"ts\":\"2017-11-26 01:00:00\"}",
                      false, min_event_time, ts)
              .ok());
  std::vector<partial_batch> batches(1);
  stage.drain(0, batches, stats);
  return batches[0];
}

TEST_CASE("an owner refuses partials it cannot decode or does not hold") {
  const auto job = compile(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql");
  sql_owner_state owner{job, time_zone::utc(), {0, 32}, key_groups, 1};
  state_output out;
  std::string error;
  partial_batch batch;
  batch.sql.assign(job->plan.queries.size(), "");
  batch.sql[0] = "\x07garbage";
  CHECK_FALSE(owner.merge(batch, out, error));
  CHECK_FALSE(error.empty());
  CHECK(owner.batches() == 0);
  // Partials of all key groups: each half's owner holds only some.
  source_stats stats;
  std::vector<partial_batch> batches{one_owners_batch(job, 50, "buy", stats)};
  REQUIRE_FALSE(batches[0].sql.empty());
  sql_owner_state upper{job, time_zone::utc(), {32, 64}, key_groups, 1};
  std::string upper_error;
  error.clear();
  const bool lower_took = owner.merge(batches[0], out, error);
  const bool upper_took = upper.merge(batches[0], out, upper_error);
  CHECK_FALSE((lower_took && upper_took));
  CHECK((error + upper_error).find("key group") != std::string::npos);
  // The former hard-wired job's state (in its savepoints) is not taken.
  key_group_snapshot builtin;
  builtin.group = 1;
  builtin.categories = {{"Books", 1}};
  CHECK_FALSE(owner.restore(builtin));
  key_group_snapshot foreign;
  foreign.group = 40;
  CHECK_FALSE(owner.restore(foreign));
}

TEST_CASE("an owner reports its open groups and its state's checkpointed bytes") {
  const auto job = compile(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql");
  source_stats stats;
  std::vector<partial_batch> batches{one_owners_batch(job, 40, "pv", stats)};
  CHECK(stats.exchange_bytes > 0);
  sql_owner_state owner{job, time_zone::utc(), {0, key_groups}, key_groups, 1};
  state_output out;
  std::string error;
  REQUIRE_MESSAGE(owner.merge(batches[0], out, error), error);
  CHECK(owner.open_windows() > 0);
  // Before a checkpoint nothing is known of the state's size.
  CHECK(owner.state_bytes() == 0);
  REQUIRE(owner.state_bytes_by_group().size() == key_groups);
  const auto groups = owner.snapshot_groups(key_groups);
  REQUIRE_FALSE(groups.empty());
  uint64_t total = 0;
  for (const auto& g : groups) {
    CHECK(owner.state_bytes_by_group().at(g.group) == g.sql.size());
    total += g.sql.size();
  }
  CHECK(owner.state_bytes() == total);
  CHECK(total > 0);
}

} // TEST_SUITE
