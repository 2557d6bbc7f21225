#pragma once

// An actor system on CAF's deterministic test scheduler, with ubaflow's
// message types and error category: for the unit tests of actors behind
// their typed interfaces (run the scheduler with `sched->run()`).

#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <memory>

namespace ubaflow::test {

struct test_actor_system {
  caf::actor_system_config cfg; ///< outlives `sys`, declared first
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;

  test_actor_system() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    cfg.add_message_types<caf::id_block::ubaflow>();
    register_error_category(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
  }
};

} // namespace ubaflow::test
