#pragma once

#include "common/protocol/checkpoint_coordinator_interface.hpp"
#include "common/protocol/job_master_interface.hpp"
#include "common/protocol/task_interfaces.hpp"
#include "coordinator/checkpoint/checkpoint_builder.hpp"
#include "coordinator/job_coordinator.hpp"

#include <caf/actor.hpp>

#include <string>
#include <vector>

namespace ubaflow {

/// Spawns the checkpoint coordinator of one execution attempt (Flink's
/// CheckpointCoordinator). It triggers checkpoint n by asking every source
/// for its barrier, collects the parts the job coordinator forwards to it
/// (owner_checkpoint, combiner_checkpoint, (checkpoint_atom, ack_atom, n)
/// from sinks), and once all are in writes the checkpoint to the store,
/// commits its offsets through the sources and sends (checkpoint_atom,
/// checkpoint_stats) to `listener`. A checkpoint not complete within the
/// timeout is given up (counted as failed); one runs at a time. Answers
/// status_atom with checkpoint_stats, savepoint_atom with the savepoint's
/// path once written, and stops triggering once every source has sent
/// (done_atom) (bounded inputs all read: the job is about to finish) or
/// on (stop_atom).
checkpoint_coordinator_actor
spawn_checkpoint_coordinator(caf::actor_system& system, checkpointed_job job,
                             attempt_checkpointing settings,
                             std::vector<source_actor> sources,
                             checkpoint_participants expected,
                             job_listener_actor listener);

} // namespace ubaflow
