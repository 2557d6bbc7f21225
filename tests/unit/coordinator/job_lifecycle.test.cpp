// The job's lifecycle over execution attempts (coordinator/cluster/
// job_lifecycle): every transition, driven directly, no actors.

#include "coordinator/cluster/job_lifecycle.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using namespace ubaflow;
namespace cmd = lifecycle_command;

namespace {

lifecycle_limits limits(uint32_t min_workers = 1, uint32_t max_failures = 2) {
  lifecycle_limits l;
  l.min_workers = min_workers;
  l.max_task_failures = max_failures;
  l.key_groups = 8;
  l.checkpoints = true;
  l.stop_savepoint = true;
  return l;
}

/// The one command `commands` holds, which must be a `Command` (returned
/// as a value with pointer syntax: the vector is often a temporary).
template <class Command>
std::optional<Command> only(const job_commands& commands) {
  REQUIRE(commands.size() == 1);
  const auto* c = std::get_if<Command>(&commands.front());
  REQUIRE(c != nullptr);
  return *c;
}

/// A lifecycle whose attempt 1 runs on `workers` workers.
job_lifecycle running(size_t workers = 2) {
  job_lifecycle job{limits(), 0, {}, 1};
  auto deploy = job.workers_changed(workers, "joined");
  only<cmd::deploy>(deploy);
  only<cmd::launch>(job.peers_connected(1));
  REQUIRE(job.phase() == job_phase::running);
  return job;
}

checkpoint_stats completed(uint64_t id, std::string path,
                           uint64_t in_progress = 0) {
  checkpoint_stats s;
  s.completed = id;
  s.last_id = id;
  s.last_path = std::move(path);
  s.in_progress = in_progress;
  return s;
}

} // namespace

TEST_SUITE("coordinator.job_lifecycle") {

TEST_CASE("the first attempt waits for min_workers, later ones need one") {
  job_lifecycle job{limits(2), 0, {}, 1};
  CHECK(job.phase() == job_phase::waiting);
  CHECK(job.workers_changed(1, "worker a joined").empty());
  CHECK(job.phase() == job_phase::waiting);
  auto deploy = only<cmd::deploy>(job.workers_changed(2, "worker b joined"));
  CHECK(deploy->attempt == 1);
  CHECK(job.phase() == job_phase::deploying);
  only<cmd::launch>(job.peers_connected(1));
  // One of the two is lost: the job goes on with the other.
  only<cmd::cancel_attempt>(job.workers_changed(1, "worker b lost"));
  auto next = only<cmd::deploy>(job.restart_delay_elapsed(1));
  CHECK(next->attempt == 2);
}

TEST_CASE("with no worker left the job waits, and starts when one joins") {
  auto job = running(1);
  only<cmd::cancel_attempt>(job.workers_changed(0, "worker a lost"));
  CHECK(job.restart_delay_elapsed(0).empty());
  CHECK(job.phase() == job_phase::waiting);
  CHECK(only<cmd::deploy>(job.workers_changed(1, "worker c joined"))->attempt
        == 2);
}

TEST_CASE("a join or a loss while deploying or running redeploys") {
  job_lifecycle job{limits(), 0, {}, 1};
  only<cmd::deploy>(job.workers_changed(1, "a joined"));
  auto cancel = only<cmd::cancel_attempt>(job.workers_changed(2, "b joined"));
  CHECK(cancel->reason == "b joined");
  CHECK(job.phase() == job_phase::restarting);
  // Whatever else happens while cancelling is seen by the next start.
  CHECK(job.workers_changed(3, "c joined").empty());
  CHECK(job.redeploy("the topic grew").empty());
  CHECK(only<cmd::deploy>(job.restart_delay_elapsed(3))->attempt == 2);
}

TEST_CASE("late answers of a superseded attempt are ignored") {
  job_lifecycle job{limits(), 0, {}, 1};
  only<cmd::deploy>(job.workers_changed(1, "a joined"));
  only<cmd::cancel_attempt>(job.workers_changed(2, "b joined"));
  only<cmd::deploy>(job.restart_delay_elapsed(2));
  CHECK(job.peers_connected(1).empty());
  CHECK(job.peers_unreachable(1, "old").empty());
  CHECK(job.phase() == job_phase::deploying);
  CHECK(job.restart_delay_elapsed(2).empty()); // not restarting
  only<cmd::launch>(job.peers_connected(2));
  CHECK(job.peers_connected(2).empty()); // once
}

TEST_CASE("a worker that cannot reach its peers restarts the attempt") {
  job_lifecycle job{limits(), 0, {}, 1};
  only<cmd::deploy>(job.workers_changed(2, "joined"));
  auto cancel = only<cmd::cancel_attempt>(
    job.peers_unreachable(1, "connection refused"));
  CHECK(cancel->reason
        == "a worker cannot reach its peers: connection refused");
}

TEST_CASE("task failures restart until the limit, then the job fails") {
  auto job = running();
  for (uint32_t attempt = 1; attempt <= 2; ++attempt) {
    auto cancel = only<cmd::cancel_attempt>(
      job.attempt_ended(attempt_end::task_failed, "boom"));
    CHECK(cancel->reason == "a task failed: boom");
    only<cmd::deploy>(job.restart_delay_elapsed(2));
    only<cmd::launch>(job.peers_connected(attempt + 1));
  }
  auto end = only<cmd::finish>(job.attempt_ended(attempt_end::task_failed,
                                                 "boom"));
  CHECK(end->failed);
  CHECK(end->reason == "the job failed 3 times; giving up: boom");
  CHECK(job.phase() == job_phase::finished);
  CHECK(job.task_failures() == 3);
  // Nothing restarts a finished job.
  CHECK(job.workers_changed(3, "joined").empty());
  CHECK(job.restart_delay_elapsed(3).empty());
  CHECK(job.stop_requested().empty());
}

TEST_CASE("an unreachable worker restarts without counting as a failure") {
  auto job = running();
  for (uint32_t attempt = 1; attempt <= 5; ++attempt) {
    only<cmd::cancel_attempt>(job.attempt_ended(attempt_end::unreachable,
                                                "link down"));
    only<cmd::deploy>(job.restart_delay_elapsed(2));
    only<cmd::launch>(job.peers_connected(attempt + 1));
  }
  CHECK(job.task_failures() == 0);
}

TEST_CASE("a completed attempt finishes the job") {
  auto job = running();
  auto end = only<cmd::finish>(job.attempt_ended(attempt_end::completed, {}));
  CHECK_FALSE(end->failed);
  CHECK(end->reason.empty());
  CHECK(job.attempt_ended(attempt_end::task_failed, "late").empty());
}

TEST_CASE("a stop takes a savepoint first, then the attempt's end finishes") {
  auto job = running();
  auto stop = only<cmd::stop_attempt>(job.stop_requested());
  CHECK(stop->savepoint_first);
  CHECK(job.stopping());
  CHECK(job.stop_requested().empty()); // asked twice
  // A task failing while it stops ends the job instead of restarting it.
  auto end = only<cmd::finish>(job.attempt_ended(attempt_end::task_failed,
                                                 "sink gone"));
  CHECK_FALSE(end->failed);
  CHECK(end->reason == "sink gone");
}

TEST_CASE("a stop without checkpoints stops at once") {
  auto l = limits();
  l.checkpoints = false;
  job_lifecycle job{l, 0, {}, 1};
  only<cmd::deploy>(job.workers_changed(1, "joined"));
  only<cmd::launch>(job.peers_connected(1));
  CHECK_FALSE(only<cmd::stop_attempt>(job.stop_requested())->savepoint_first);
}

TEST_CASE("a stop with no job master running finishes at once") {
  SUBCASE("waiting") {
    job_lifecycle job{limits(3), 0, {}, 1};
    job.workers_changed(1, "a joined");
    only<cmd::finish>(job.stop_requested());
  }
  SUBCASE("deploying: the connected peers no longer launch it") {
    job_lifecycle job{limits(), 0, {}, 1};
    only<cmd::deploy>(job.workers_changed(1, "a joined"));
    only<cmd::finish>(job.stop_requested());
    CHECK(job.peers_connected(1).empty());
  }
  SUBCASE("restarting: the restart tick does nothing") {
    auto job = running();
    only<cmd::cancel_attempt>(job.workers_changed(1, "b lost"));
    only<cmd::finish>(job.stop_requested());
    CHECK(job.restart_delay_elapsed(1).empty());
  }
}

TEST_CASE("a drain goes to the running attempt and to every later one") {
  job_lifecycle job{limits(), 0, {}, 1};
  only<cmd::deploy>(job.workers_changed(1, "a joined"));
  CHECK(job.drain_requested().empty()); // no job master yet
  CHECK(only<cmd::launch>(job.peers_connected(1))->drain);
  only<cmd::drain_attempt>(job.drain_requested());
}

TEST_CASE("rescaling a running job takes a savepoint and restores it") {
  auto job = running();
  auto asked = job.rescale_requested(3);
  CHECK_FALSE(asked.refusal);
  CHECK(only<cmd::savepoint_for_rescale>(asked.commands)->owners == 3);
  CHECK(job.owners() == 0); // not before the savepoint
  auto done = job.rescale_savepoint_ended(3, "/ckpt/savepoint-7");
  CHECK_FALSE(done.refusal);
  CHECK(done.message
        == "rescaled to 3 keyed-state owner(s) from savepoint /ckpt/savepoint-7");
  only<cmd::cancel_attempt>(done.commands);
  auto deploy = only<cmd::deploy>(job.restart_delay_elapsed(2));
  CHECK(deploy->owners == 3);
  CHECK(deploy->restore_path == "/ckpt/savepoint-7");
}

TEST_CASE("a rescale whose savepoint failed restores the latest checkpoint") {
  auto job = running();
  job.checkpoint_reported(completed(4, "/ckpt/chk-4"));
  job.rescale_requested(2);
  auto done = job.rescale_savepoint_ended(2, "");
  CHECK(done.message == "rescaled to 2 keyed-state owner(s) from the latest "
                        "checkpoint (the savepoint failed)");
  only<cmd::cancel_attempt>(done.commands);
  CHECK(only<cmd::deploy>(job.restart_delay_elapsed(2))->restore_path
        == "/ckpt/chk-4");
}

TEST_CASE("a stop during rescaling wins: the rescale is refused") {
  auto job = running();
  only<cmd::savepoint_for_rescale>(job.rescale_requested(4).commands);
  only<cmd::stop_attempt>(job.stop_requested());
  auto done = job.rescale_savepoint_ended(4, "/ckpt/savepoint-9");
  REQUIRE(done.refusal);
  CHECK(*done.refusal == cluster_error::stopping);
  CHECK(done.commands.empty());
  CHECK(job.owners() == 0);
  only<cmd::finish>(job.attempt_ended(attempt_end::completed, {}));
}

TEST_CASE("a rescale while the job is not running applies at its next start") {
  SUBCASE("restarting") {
    auto job = running();
    only<cmd::cancel_attempt>(job.workers_changed(1, "b lost"));
    auto d = job.rescale_requested(5);
    CHECK(d.commands.empty());
    CHECK(d.message
          == "rescaled to 5 keyed-state owner(s); applies at the next "
             "deployment");
    CHECK(only<cmd::deploy>(job.restart_delay_elapsed(1))->owners == 5);
  }
  SUBCASE("deploying: that plan is superseded") {
    job_lifecycle job{limits(), 0, {}, 1};
    only<cmd::deploy>(job.workers_changed(1, "a joined"));
    auto d = job.rescale_requested(2);
    CHECK(d.message == "rescaled to 2 keyed-state owner(s)");
    only<cmd::cancel_attempt>(d.commands);
  }
}

TEST_CASE("rescale requests out of range or while stopping are refused") {
  auto job = running();
  CHECK(*job.rescale_requested(0).refusal == cluster_error::invalid_message);
  auto too_many = job.rescale_requested(9);
  CHECK(*too_many.refusal == cluster_error::invalid_message);
  CHECK(too_many.message == "parallelism must be between 1 and 8 "
                            "(job.key-groups)");
  job.stop_requested();
  CHECK(*job.rescale_requested(2).refusal == cluster_error::stopping);
}

TEST_CASE("a worker lost during a checkpoint: the next attempt restores the "
          "last completed one and never reuses the abandoned id") {
  job_lifecycle job{limits(), 0, "/ckpt/savepoint-2", 3};
  only<cmd::deploy>(job.workers_changed(2, "joined"));
  only<cmd::launch>(job.peers_connected(1));
  job.checkpoint_reported(completed(3, "/ckpt/chk-3"));
  job.checkpoint_reported(completed(3, "/ckpt/chk-3", 4)); // 4 in progress
  only<cmd::cancel_attempt>(job.workers_changed(1, "worker b lost"));
  auto deploy = only<cmd::deploy>(job.restart_delay_elapsed(1));
  CHECK(deploy->restore_path == "/ckpt/chk-3");
  CHECK(deploy->next_checkpoint_id == 5);
}

TEST_CASE("the first attempt restores the configured point; older reports "
          "do not move the restore point back") {
  job_lifecycle job{limits(), 0, "/ckpt/savepoint-7", 8};
  auto first = only<cmd::deploy>(job.workers_changed(1, "joined"));
  CHECK(first->restore_path == "/ckpt/savepoint-7");
  CHECK(first->next_checkpoint_id == 8);
  only<cmd::launch>(job.peers_connected(1));
  job.checkpoint_reported(completed(9, "/ckpt/chk-9"));
  job.checkpoint_reported(completed(8, "/ckpt/chk-8")); // out of order
  CHECK(job.restore_path() == "/ckpt/chk-9");
  CHECK(job.next_checkpoint_id() == 10);
  // Retention pruned chk-9 before the restart: the restore fell forward.
  job.restore_point_moved("/ckpt/chk-10");
  CHECK(job.restore_path() == "/ckpt/chk-10");
}

TEST_CASE("a restore point that cannot be read fails the job") {
  job_lifecycle job{limits(), 0, "/ckpt/gone", 1};
  only<cmd::deploy>(job.workers_changed(1, "joined"));
  auto end = only<cmd::finish>(job.restore_failed("no such file"));
  CHECK(end->failed);
  CHECK(end->reason == "cannot restore the job: no such file");
  CHECK(job.phase() == job_phase::finished);
  CHECK(job.peers_connected(1).empty());
}

TEST_CASE("phases have names") {
  CHECK(std::string{to_string(job_phase::waiting)} == "waiting for workers");
  CHECK(std::string{to_string(job_phase::restarting)} == "restarting");
}

} // TEST_SUITE
