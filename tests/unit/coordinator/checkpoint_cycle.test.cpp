// An attempt's checkpoints as a state machine (coordinator/checkpoint/
// checkpoint_cycle): every transition, driven directly, no actors.

#include "coordinator/checkpoint/checkpoint_cycle.hpp"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

using namespace ubaflow;
namespace step = checkpoint_command;

namespace {

/// Keeps checkpoints in memory; can be told to fail the next write.
class memory_store : public checkpoint_store {
public:
  std::map<std::string, checkpoint_data> files;
  std::string fail_next; ///< non-empty: the next write fails so

  std::optional<std::string> write(const checkpoint_data& data,
                                   uint64_t& bytes,
                                   std::string& error) override {
    if (!fail_next.empty()) {
      error = std::exchange(fail_next, {});
      return std::nullopt;
    }
    auto path = std::string{data.savepoint ? "/mem/savepoint-" : "/mem/chk-"}
                + std::to_string(data.id);
    files[path] = data;
    bytes = 100 + data.id;
    return path;
  }
  std::optional<std::string> latest() const override { return std::nullopt; }
  std::optional<checkpoint_data> load(const std::string& location,
                                      std::string&) const override {
    auto i = files.find(location);
    return i == files.end() ? std::nullopt
                            : std::optional<checkpoint_data>{i->second};
  }
  uint64_t id_of(const std::string&) const override { return 0; }
  bool holds(const std::string& location) const override {
    return files.count(location) > 0;
  }
  std::string describe() const override { return "memory"; }
};

struct fixture {
  std::shared_ptr<memory_store> store = std::make_shared<memory_store>();
  int64_t wall = 1'000'000;
  int64_t steady = 0;
  checkpoint_cycle cycle;

  explicit fixture(uint64_t next_id = 1, size_t sources = 2)
    : cycle(checkpointed_job{"job", "layout", 8},
            checkpoint_participants{sources, 1, true, 1}, store, 5'000,
            next_id, {},
            checkpoint_clocks{[this] { return wall; },
                              [this] { return steady; }}) {
  }

  /// Every part of checkpoint `id` but the sink's acknowledgement.
  void all_but_sink(uint64_t id, size_t sources = 2) {
    for (uint32_t s = 0; s < sources; ++s)
      CHECK(cycle.source_part({id, s, {{static_cast<int32_t>(s), 10 + s}}})
              .empty());
    CHECK(cycle.owner_part({id, 0, {}, {}}).empty());
    CHECK(cycle.combiner_part({id, {}}).empty());
  }
};

template <class Step>
size_t count(const checkpoint_steps& steps) {
  size_t n = 0;
  for (const auto& s : steps)
    n += std::holds_alternative<Step>(s) ? 1 : 0;
  return n;
}

template <class Step>
std::optional<Step> find(const checkpoint_steps& steps) {
  for (const auto& s : steps)
    if (const auto* hit = std::get_if<Step>(&s))
      return *hit;
  return std::nullopt;
}

} // namespace

TEST_SUITE("coordinator.checkpoint_cycle") {

TEST_CASE("a trigger sends barriers; all parts in, it is written and "
          "committed") {
  fixture f{7};
  CHECK(f.cycle.phase() == checkpoint_phase::idle);
  auto steps = f.cycle.periodic_trigger();
  REQUIRE(steps.size() == 2);
  auto report = std::get<step::report>(steps[0]);
  CHECK(report.stats.in_progress == 7); // the id is taken before barriers go
  auto barriers = std::get<step::request_barriers>(steps[1]);
  CHECK(barriers.id == 7);
  CHECK(barriers.timeout_ms == 5'000);
  CHECK(f.cycle.phase() == checkpoint_phase::in_progress);
  f.all_but_sink(7);
  f.steady = 42;
  auto done = f.cycle.sink_ack(7);
  auto commit = find<step::commit_offsets>(done);
  REQUIRE(commit);
  CHECK(commit->partitions.size() == 2);
  CHECK(count<step::answer_savepoints>(done) == 0); // not a savepoint
  auto stats = find<step::report>(done)->stats;
  CHECK(stats.completed == 1);
  CHECK(stats.last_id == 7);
  CHECK(stats.last_path == "/mem/chk-7");
  CHECK(stats.last_duration_ms == 42);
  CHECK(stats.in_progress == 0);
  CHECK(stats.history.size() == 1);
  CHECK(f.store->files.at("/mem/chk-7").taken_ms == 1'000'000);
  CHECK(f.cycle.phase() == checkpoint_phase::idle);
  // The next one gets the next id.
  CHECK(std::get<step::request_barriers>(f.cycle.periodic_trigger()[1]).id
        == 8);
}

TEST_CASE("one at a time: a periodic trigger while one is pending is "
          "skipped") {
  fixture f;
  f.cycle.periodic_trigger();
  CHECK(f.cycle.periodic_trigger().empty());
  CHECK(f.cycle.pending_id() == 1);
}

TEST_CASE("parts of another checkpoint, twice from one task, or with none "
          "pending are ignored") {
  fixture f;
  CHECK(f.cycle.source_part({1, 0, {}}).empty()); // none pending
  CHECK(f.cycle.sink_ack(1).empty());
  f.cycle.periodic_trigger();
  CHECK(f.cycle.source_part({2, 0, {}}).empty()); // other id
  CHECK(f.cycle.sink_ack(2).empty());
  f.all_but_sink(1, 1);
  CHECK(f.cycle.source_part({1, 0, {}}).empty()); // source 0 again
  CHECK(f.cycle.sink_ack(1).empty());                 // source 1 missing
  CHECK(f.cycle.phase() == checkpoint_phase::in_progress);
  CHECK(count<step::commit_offsets>(f.cycle.source_part({1, 1, {}})) == 1);
}

TEST_CASE("a savepoint is answered with its location") {
  fixture f{3};
  auto steps = f.cycle.savepoint_requested();
  CHECK(std::get<step::request_barriers>(steps[1]).id == 3);
  // A second request joins the pending savepoint.
  CHECK(f.cycle.savepoint_requested().empty());
  CHECK_FALSE(f.cycle.savepoint_queued());
  f.all_but_sink(3);
  auto answer = find<step::answer_savepoints>(f.cycle.sink_ack(3));
  REQUIRE(answer);
  CHECK_FALSE(answer->refusal);
  CHECK(answer->path == "/mem/savepoint-3");
}

TEST_CASE("a savepoint asked for during a checkpoint goes next") {
  fixture f;
  f.cycle.periodic_trigger();
  CHECK(f.cycle.savepoint_requested().empty());
  CHECK(f.cycle.savepoint_queued());
  f.all_but_sink(1);
  auto steps = f.cycle.sink_ack(1);
  CHECK(count<step::answer_savepoints>(steps) == 0); // 1 was a checkpoint
  auto next = find<step::request_barriers>(steps);
  REQUIRE(next);
  CHECK(next->id == 2);
  f.all_but_sink(2);
  CHECK(find<step::answer_savepoints>(f.cycle.sink_ack(2))->path
        == "/mem/savepoint-2");
}

TEST_CASE("a timeout fails the pending checkpoint and names what is "
          "missing") {
  fixture f;
  f.cycle.periodic_trigger();
  f.cycle.source_part({1, 0, {}});
  CHECK(f.cycle.timed_out(99).empty()); // not the pending one
  auto steps = f.cycle.timed_out(1);
  auto stats = find<step::report>(steps)->stats;
  CHECK(stats.failed == 1);
  CHECK(stats.last_failure.rfind("timed out after 5000 ms waiting for", 0)
        == 0);
  CHECK(stats.history.back().completed == false);
  CHECK(f.cycle.phase() == checkpoint_phase::idle);
  CHECK(f.cycle.timed_out(1).empty()); // already given up
  CHECK(f.store->files.empty());
}

TEST_CASE("a worker lost during a checkpoint: its source refuses the "
          "barrier, the checkpoint fails, a waiting savepoint is refused") {
  fixture f{5};
  f.cycle.savepoint_requested();
  f.cycle.source_part({5, 0, {}});
  auto steps = f.cycle.barrier_refused(5, "remote_link_unreachable");
  auto answer = find<step::answer_savepoints>(steps);
  REQUIRE(answer);
  CHECK(*answer->refusal == cluster_error::checkpoint_failed);
  CHECK(answer->reason == "savepoint failed: the barrier was not taken: "
                          "remote_link_unreachable");
  CHECK(find<step::report>(steps)->stats.failed == 1);
  // The late parts of the failed one change nothing; the id is not reused.
  CHECK(f.cycle.source_part({5, 1, {}}).empty());
  CHECK(std::get<step::request_barriers>(f.cycle.periodic_trigger()[1]).id
        == 6);
}

TEST_CASE("a failed write fails the checkpoint") {
  fixture f;
  f.store->fail_next = "disk full";
  f.cycle.savepoint_requested();
  f.all_but_sink(1);
  auto steps = f.cycle.sink_ack(1);
  CHECK(count<step::commit_offsets>(steps) == 0); // nothing durable
  CHECK(find<step::answer_savepoints>(steps)->reason
        == "savepoint failed: disk full");
  CHECK(find<step::report>(steps)->stats.last_failure == "disk full");
}

TEST_CASE("when every source is done no new checkpoint starts, the pending "
          "one still completes") {
  fixture f;
  f.cycle.periodic_trigger();
  f.cycle.source_done();
  CHECK(f.cycle.phase() == checkpoint_phase::in_progress); // one of two
  f.cycle.source_done();
  CHECK(f.cycle.phase() == checkpoint_phase::closing);
  auto refused = find<step::answer_savepoints>(f.cycle.savepoint_requested());
  REQUIRE(refused);
  CHECK(*refused->refusal == cluster_error::stopping);
  f.all_but_sink(1);
  CHECK(count<step::commit_offsets>(f.cycle.sink_ack(1)) == 1);
  CHECK(f.cycle.phase() == checkpoint_phase::closed);
  CHECK(f.cycle.periodic_trigger().empty());
}

TEST_CASE("sources done while idle close the cycle at once") {
  fixture f;
  f.cycle.source_done();
  f.cycle.source_done();
  CHECK(f.cycle.phase() == checkpoint_phase::closed);
  CHECK(f.cycle.periodic_trigger().empty());
  CHECK(*find<step::answer_savepoints>(f.cycle.savepoint_requested())->refusal
        == cluster_error::stopping);
}

TEST_CASE("a stop drops the pending checkpoint and refuses a waiting "
          "savepoint") {
  SUBCASE("a pending savepoint") {
    fixture f;
    f.cycle.savepoint_requested();
    auto steps = f.cycle.stop();
    CHECK(find<step::report>(steps)->stats.in_progress == 0);
    CHECK(find<step::answer_savepoints>(steps)->reason
          == "the job is stopping");
  }
  SUBCASE("a savepoint queued behind a checkpoint") {
    fixture f;
    f.cycle.periodic_trigger();
    f.cycle.savepoint_requested();
    CHECK(count<step::answer_savepoints>(f.cycle.stop()) == 1);
    CHECK_FALSE(f.cycle.savepoint_queued());
  }
  SUBCASE("a pending checkpoint: nobody waits") {
    fixture f;
    f.cycle.periodic_trigger();
    CHECK(count<step::answer_savepoints>(f.cycle.stop()) == 0);
  }
  fixture f;
  f.cycle.stop();
  CHECK(f.cycle.phase() == checkpoint_phase::closed);
  CHECK(f.cycle.stop().empty());
  CHECK(f.cycle.source_part({1, 0, {}}).empty());
}

TEST_CASE("the history keeps the last ten") {
  fixture f{1, 1};
  for (uint64_t id = 1; id <= 12; ++id) {
    f.cycle.periodic_trigger();
    f.cycle.timed_out(id);
  }
  CHECK(f.cycle.stats().history.size() == 10);
  CHECK(f.cycle.stats().history.front().id == 3);
  CHECK(f.cycle.stats().failed == 12);
}

TEST_CASE("phases have names") {
  CHECK(std::string{to_string(checkpoint_phase::in_progress)}
        == "in progress");
}

} // TEST_SUITE
