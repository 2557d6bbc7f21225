// The phases of one execution attempt (coordinator/attempt/
// attempt_progress): every transition, driven directly, no actors.

#include "coordinator/attempt/attempt_progress.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;
namespace step = attempt_command;

namespace {

template <class Step>
bool holds(const attempt_steps& steps, size_t i = 0) {
  return i < steps.size() && std::holds_alternative<Step>(steps[i]);
}

attempt_phase outcome(const attempt_steps& steps) {
  REQUIRE(steps.size() == 1);
  REQUIRE(holds<step::finish>(steps));
  return std::get<step::finish>(steps[0]).outcome;
}

} // namespace

TEST_SUITE("coordinator.attempt_progress") {

TEST_CASE("deployed, it runs and checkpoints begin") {
  attempt_progress a;
  CHECK(a.phase() == attempt_phase::deploying);
  auto steps = a.deployed();
  REQUIRE(steps.size() == 1);
  CHECK(holds<step::start_checkpoints>(steps));
  CHECK(a.phase() == attempt_phase::running);
  CHECK(a.deployed().empty()); // once
}

TEST_CASE("bounded inputs: the last sink's end commits, then it finishes") {
  attempt_progress a;
  a.deployed();
  CHECK(a.sink_done(2, true).empty());
  auto steps = a.sink_done(2, true);
  REQUIRE(steps.size() == 1);
  CHECK(holds<step::commit_positions>(steps));
  CHECK_FALSE(a.ended());
  CHECK(outcome(a.committed()) == attempt_phase::finished);
  CHECK(a.ended());
  CHECK(a.committed().empty()); // it ends once
}

TEST_CASE("with no source left to commit it finishes at the last sink") {
  attempt_progress a;
  a.deployed();
  CHECK(outcome(a.sink_done(1, false)) == attempt_phase::finished);
}

TEST_CASE("a drain while running reads to the end of the input") {
  attempt_progress a;
  a.deployed();
  CHECK(holds<step::drain_sources>(a.drain_requested()));
  CHECK(a.phase() == attempt_phase::draining);
  CHECK(a.drain_requested().empty());
}

TEST_CASE("a drain while deploying applies once deployed") {
  attempt_progress a;
  CHECK(a.drain_requested().empty());
  auto steps = a.deployed();
  REQUIRE(steps.size() == 2);
  CHECK(holds<step::start_checkpoints>(steps, 0));
  CHECK(holds<step::drain_sources>(steps, 1));
  CHECK(a.phase() == attempt_phase::draining);
}

TEST_CASE("a stop flushes, and the last sink's end makes it stopped") {
  attempt_progress a;
  a.deployed();
  CHECK(holds<step::stop_tasks>(a.stop_requested()));
  CHECK(a.phase() == attempt_phase::stopping);
  CHECK(a.stop_requested().empty()); // asked twice
  CHECK(a.drain_requested().empty()); // too late to drain
  CHECK(outcome(a.sink_done(1, false)) == attempt_phase::stopped);
  CHECK(a.stop_timed_out().empty());
}

TEST_CASE("a stop whose sinks do not finish in time ends at the timeout") {
  attempt_progress a;
  a.deployed();
  a.stop_requested();
  CHECK(outcome(a.stop_timed_out()) == attempt_phase::stopped);
  CHECK(a.sink_done(1, false).empty());
}

TEST_CASE("a stop timeout without a stop does nothing") {
  attempt_progress a;
  a.deployed();
  CHECK(a.stop_timed_out().empty());
  CHECK(a.phase() == attempt_phase::running);
}

TEST_CASE("a stop while deploying: the sources deployed end at once") {
  attempt_progress a;
  CHECK(holds<step::stop_tasks>(a.stop_requested()));
  auto steps = a.deployed();
  REQUIRE(steps.size() == 1);
  CHECK(holds<step::end_sources>(steps));
  CHECK(a.phase() == attempt_phase::stopping);
}

TEST_CASE("a stop during a drain stops") {
  attempt_progress a;
  a.deployed();
  a.drain_requested();
  CHECK(holds<step::stop_tasks>(a.stop_requested()));
  CHECK(outcome(a.sink_done(1, true)) == attempt_phase::stopped);
}

TEST_CASE("a failure in any phase ends it failed, once") {
  for (int phase = 0; phase < 4; ++phase) {
    CAPTURE(phase);
    attempt_progress a;
    if (phase >= 1)
      a.deployed();
    if (phase == 2)
      a.drain_requested();
    if (phase == 3)
      a.stop_requested();
    CHECK(outcome(a.failed()) == attempt_phase::failed);
    CHECK(a.failed().empty());
    CHECK(a.deployed().empty());
    CHECK(a.stop_requested().empty());
    CHECK(a.sink_done(1, true).empty());
    CHECK(a.phase() == attempt_phase::failed);
  }
}

TEST_CASE("phases have the names the REST API reports") {
  CHECK(std::string{to_string(attempt_phase::draining)} == "draining");
  CHECK(std::string{to_string(attempt_phase::stopped)} == "stopped");
}

} // TEST_SUITE
