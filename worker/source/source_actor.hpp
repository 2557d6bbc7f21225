#pragma once

#include "common/protocol/job_master_interface.hpp"
#include "common/protocol/task_interfaces.hpp"
#include "worker/source/source_task.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ubaflow {

class trusted_nodes;

struct source_actor_settings {
  size_t max_in_flight = 8; ///< unacknowledged batches per owner
  int poll_timeout_ms = 50;
};

/// Builds a source task, or returns nullptr and explains in the argument.
using source_task_factory
  = std::function<std::unique_ptr<source_task>(std::string& error)>;

/// Spawns the actor that drives one source_task: a detached actor (it
/// blocks in the Kafka consumer or in lookups) that builds its task on its
/// own thread (so that the consumers of a job connect in parallel), polls,
/// flushes its partials to the owners and stops polling while any owner has
/// `max_in_flight` unacknowledged batches (back-pressure). Reports
/// `done_atom` or `failed_atom` to `coordinator`.
source_actor spawn_source_actor(caf::actor_system& system,
                                source_task_factory make_task, uint32_t index,
                                std::vector<owner_actor> owners,
                                job_master_actor coordinator,
                                source_actor_settings settings,
                                std::shared_ptr<const trusted_nodes> trust
                                = {});

} // namespace ubaflow
