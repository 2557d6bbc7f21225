#pragma once

// The checkpoint coordinator's typed interface
// (coordinator/checkpoint/checkpoint_coordinator): what the job master of
// its attempt forwards to it and the timers it sets itself. It asks the
// sources (source_actor, common/protocol/task_interfaces.hpp) for barriers.

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

namespace ubaflow {

/// The checkpoint coordinator of one execution attempt.
using checkpoint_coordinator_actor = caf::typed_actor<
  // -- from the job master of its attempt (checked: from this process)
  caf::reacts_to<owner_checkpoint>,
  caf::reacts_to<combiner_checkpoint>,
  caf::reacts_to<checkpoint_atom, ack_atom, uint64_t>, ///< a sink's ack
  caf::reacts_to<checkpoint_atom, failed_atom, uint64_t, std::string>, ///< declined
  caf::reacts_to<done_atom>,                           ///< a source ended
  caf::reacts_to<stop_atom>,
  caf::replies_to<savepoint_atom>::with<std::string>,  ///< the path
  caf::replies_to<status_atom>::with<checkpoint_stats>,
  // -- from itself: the periodic trigger and a checkpoint's timeout
  caf::reacts_to<checkpoint_atom>,
  caf::reacts_to<checkpoint_atom, tick_atom, uint64_t>>;

} // namespace ubaflow
