#pragma once

// The task manager's typed interface (worker/runtime/task_manager): what
// the worker's join loop, the coordinator's cluster manager, the job
// master of an attempt and the task manager itself may send it. The
// handles it answers deployments with are the tasks' handles, untyped on
// the wire; the job master casts them to the tasks' interfaces
// (common/protocol/task_interfaces.hpp).
//
// A task manager's handle crosses nodes untyped, in join_request; the
// coordinator casts it to task_manager_actor where it receives it.

#include "common/protocol/cluster.hpp"
#include "common/protocol/type_ids.hpp"

#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <vector>

namespace ubaflow {

/// The task manager of one worker process (or of `ubaflow run`).
using task_manager_actor = caf::typed_actor<
  // -- from the worker's own join loop (checked: from this process): the
  //    coordinator it is joining and whom to tell when it must rejoin
  caf::reacts_to<join_atom, caf::actor, caf::actor>,
  // -- from the cluster manager; cancel_atom also from the worker's own
  //    join loop (checked: from the job master's node or this one)
  caf::reacts_to<join_atom, uint32_t, caf::actor>, ///< id, coordinator
  caf::replies_to<peer_list>::with<ack_atom>,
  caf::replies_to<shutdown_atom>::with<ack_atom>,
  caf::replies_to<cancel_atom>::with<ack_atom>,
  // -- from the job master of an attempt: deployments, answered with the
  //    new tasks' handles
  caf::replies_to<sink_deployment>::with<std::vector<caf::actor>>,
  caf::replies_to<combiner_deployment>::with<caf::actor>,
  caf::replies_to<owner_deployment>::with<caf::actor>,
  caf::replies_to<source_deployment>::with<caf::actor>,
  // -- from the worker's /metrics: the number of tasks hosted
  caf::replies_to<status_atom>::with<uint64_t>,
  // -- from itself: the heartbeat timer
  caf::reacts_to<heartbeat_atom>>;

} // namespace ubaflow
