#pragma once

// The typed interfaces of the data plane's tasks (worker/source,
// worker/state, worker/sink): what the job master, the checkpoint
// coordinator, the tasks upstream and each task itself may send them.
//
// The handles cross nodes untyped, in the deployments and their answers
// (common/protocol/cluster.hpp): those are registered wire types, and
// cluster.hpp cannot name these aliases without an include cycle through
// type_ids.hpp. The task manager casts what it is given where it spawns a
// task, the job master casts the answers where it receives them; a message
// outside a task's interface is still refused by its behavior.

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/partials.hpp"
#include "common/protocol/results.hpp"
#include "common/protocol/status.hpp"
#include "common/protocol/type_ids.hpp"

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <vector>

namespace ubaflow {

/// A sink: one output (ES index set, NDJSON file).
using sink_actor = caf::typed_actor<
  // -- from the owners and the combiner upstream (checked: from a member)
  caf::reacts_to<std::vector<result_row>>,
  caf::reacts_to<end_atom>,                 ///< a producer's stream ended
  caf::reacts_to<checkpoint_atom, uint64_t>, ///< a producer's barrier
  // -- from the job master
  caf::reacts_to<stop_atom>,
  caf::replies_to<status_atom>::with<sink_status>,
  // -- from itself: the flush and retry timers
  caf::reacts_to<flush_atom>,
  caf::reacts_to<retry_atom>>;

/// The UV combiner: sums the owners' distinct-user slices.
using combiner_actor = caf::typed_actor<
  // -- from the owners (checked: from a member)
  caf::reacts_to<uv_report>,
  // -- from the job master
  caf::replies_to<status_atom>::with<event_time>>;

/// A keyed-state owner: the windows of one key-group range.
using owner_actor = caf::typed_actor<
  // -- from the sources (checked: from a member); the answer is the credit
  caf::replies_to<partial_batch>::with<ack_atom>,
  // -- from the job master
  caf::replies_to<status_atom>::with<owner_status>,
  // -- from itself: the top_category emission timer
  caf::reacts_to<emit_atom>>;

/// A source subtask: reads its partitions, parses, pre-aggregates.
using source_actor = caf::typed_actor<
  // -- from the job master and its checkpoint coordinator
  caf::reacts_to<drain_atom>,
  caf::replies_to<status_atom>::with<source_status>,
  caf::replies_to<checkpoint_atom, uint64_t>::with<source_checkpoint>,
  caf::reacts_to<commit_atom, std::vector<partition_checkpoint>>,
  caf::replies_to<commit_atom>::with<ack_atom>,
  // -- from itself: the poll loop
  caf::reacts_to<poll_atom>>;

/// Casts handles that arrived untyped (see above) to `Handle`.
template <class Handle>
std::vector<Handle> typed_handles(const std::vector<caf::actor>& handles) {
  std::vector<Handle> result;
  result.reserve(handles.size());
  for (const auto& h : handles)
    result.push_back(caf::actor_cast<Handle>(h));
  return result;
}

/// The untyped form of `handles`, for a deployment.
template <class Handle>
std::vector<caf::actor> untyped_handles(const std::vector<Handle>& handles) {
  std::vector<caf::actor> result;
  result.reserve(handles.size());
  for (const auto& h : handles)
    result.push_back(caf::actor_cast<caf::actor>(h));
  return result;
}

} // namespace ubaflow
