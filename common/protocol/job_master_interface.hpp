#pragma once

// The job master's typed interface (coordinator/job_coordinator): what the
// tasks of an execution attempt, the cluster manager and the master itself
// may send it. The deployments (common/protocol/cluster.hpp) carry it to
// the tasks untyped, across nodes; the task manager casts it back to
// job_master_actor before handing it to a task.

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/results.hpp"
#include "common/protocol/status.hpp"
#include "common/protocol/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// Whoever is told how an attempt goes (the cluster manager): its final
/// status, its checkpoints (sent by the attempt's checkpoint coordinator)
/// and, without a results actor, the rows the first sink mirrors.
using job_listener_actor = caf::typed_actor<
  caf::reacts_to<done_atom, job_status>,
  caf::reacts_to<checkpoint_atom, checkpoint_stats>,
  caf::reacts_to<results_atom, std::vector<result_row>>>;

/// Where mirrored result rows go.
using results_actor
  = caf::typed_actor<caf::reacts_to<results_atom, std::vector<result_row>>>;

/// The job master of one execution attempt.
using job_master_actor = caf::typed_actor<
  // -- from the attempt's tasks (checked: from a member node / a task of
  //    the attempt)
  caf::reacts_to<done_atom, source_status>,  ///< a bounded source ended
  caf::reacts_to<done_atom, owner_status>,   ///< an owner emitted everything
  caf::reacts_to<done_atom, sink_status>,    ///< a sink wrote everything
  caf::reacts_to<results_atom, std::vector<result_row>>, ///< mirrored rows
  caf::reacts_to<owner_checkpoint>,          ///< for the checkpointer
  caf::reacts_to<combiner_checkpoint>,       ///< for the checkpointer
  caf::reacts_to<checkpoint_atom, ack_atom, uint64_t>, ///< a sink's ack
  /// An owner declined checkpoint `id`: it refused a batch carrying the
  /// barrier (why), so the checkpoint cannot hold that batch's data.
  caf::reacts_to<checkpoint_atom, failed_atom, uint64_t, std::string>,
  caf::reacts_to<failed_atom, std::string>,  ///< a task failed
  // -- from this process (the cluster manager)
  caf::replies_to<savepoint_atom>::with<std::string>, ///< the path
  caf::reacts_to<drain_atom>,
  caf::reacts_to<stop_atom>,
  caf::replies_to<status_atom>::with<job_status>,
  // -- from itself: the stop timeout
  caf::reacts_to<stop_atom, tick_atom>>;

} // namespace ubaflow
