#pragma once

// The cluster manager's typed interface (coordinator/cluster/
// cluster_manager): what joining workers, the job master and checkpoint
// coordinator of the running attempt, the REST API, the process's own
// command (`ubaflow run`, `ubaflow coordinator`) and the manager itself may
// send it.
//
// Workers and `ubaflow savepoint` reach it over the network as a
// caf::actor (it is published untyped); it hands its own handle to task
// managers untyped as well (join_atom), since that handle crosses nodes.

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/cluster.hpp"
#include "common/protocol/job_master_interface.hpp"
#include "common/protocol/results.hpp"
#include "common/protocol/status.hpp"
#include "common/protocol/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// What the REST API asks the job's master: its status, a savepoint (the
/// path), a rescale to n owners (a message for the user).
using rest_target_actor = caf::typed_actor<
  caf::replies_to<status_atom>::with<job_status>,
  caf::replies_to<savepoint_atom>::with<std::string>,
  caf::replies_to<rescale_atom, uint32_t>::with<std::string>>;

/// Where the REST API gets the latest result rows.
using results_source_actor = caf::typed_actor<
  caf::replies_to<results_atom>::with<std::vector<result_row>>>;

/// The coordinator's cluster manager. A superset of job_listener_actor
/// (the attempts report to it), rest_target_actor and
/// results_source_actor: its handle converts to each.
using cluster_manager_actor = caf::typed_actor<
  // -- from workers and clients, any node (checked: credentials, or the
  //    sender's node against the worker's)
  caf::replies_to<challenge_atom>::with<std::string>,
  caf::replies_to<join_request>::with<join_reply>,
  caf::replies_to<heartbeat_atom, uint32_t>::with<ack_atom>,
  caf::replies_to<stop_atom, uint32_t>::with<ack_atom>, ///< a worker leaves
  caf::replies_to<savepoint_request>::with<std::string>,
  // -- from the running attempt (checked: from this process)
  caf::reacts_to<done_atom, job_status>,
  caf::reacts_to<checkpoint_atom, checkpoint_stats>,
  caf::reacts_to<results_atom, std::vector<result_row>>,
  // -- from this process: the REST API, signals (checked: local)
  caf::replies_to<savepoint_atom>::with<std::string>,
  caf::replies_to<results_atom>::with<std::vector<result_row>>,
  caf::replies_to<rescale_atom, uint32_t>::with<std::string>,
  caf::reacts_to<drain_atom>,
  caf::reacts_to<stop_atom>,
  caf::replies_to<status_atom>::with<job_status>,
  // -- from itself: liveness, partition discovery and restart timers
  caf::reacts_to<tick_atom>,
  caf::reacts_to<tick_atom, rescale_atom>,
  caf::reacts_to<tick_atom, start_atom>>;

} // namespace ubaflow
