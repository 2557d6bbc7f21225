#pragma once

#include "common/protocol/job_master_interface.hpp"
#include "common/protocol/task_interfaces.hpp"
#include "worker/state/owner_logic.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <vector>

namespace ubaflow {

class trusted_nodes;

/// Spawns the actor of one keyed-state owner: merges partial batches
/// (acknowledging each, which is the sources' credit), sends result rows to
/// the sinks and UV slices to the combiner, emits top_category upserts every
/// `category_interval_ms`, and announces the end of its stream to sinks,
/// combiner and coordinator once every input has finished. Checkpoint
/// barriers are aligned over its inputs; once aligned it sends its key
/// groups (of `key_group_count`) to the coordinator as an owner_checkpoint
/// and passes the barrier on to the combiner and the sinks.
owner_actor spawn_state_actor(caf::actor_system& system, uint32_t index,
                              std::shared_ptr<owner_logic> state,
                              std::vector<sink_actor> sinks,
                              combiner_actor combiner,
                              job_master_actor coordinator,
                              int64_t category_interval_ms,
                              uint32_t key_group_count,
                              std::shared_ptr<const trusted_nodes> trust = {});

/// Spawns the combiner: sums owners' slices into result rows
/// (combiner_logic: the queries routed by distinct value). Aligns
/// the barriers of its `owners`, then sends a combiner_checkpoint to the
/// coordinator and passes the barrier on to the sinks.
combiner_actor
spawn_combiner_actor(caf::actor_system& system,
                     std::shared_ptr<class combiner_logic> combiner,
                     size_t owners, std::vector<sink_actor> sinks,
                     job_master_actor coordinator,
                     std::shared_ptr<const trusted_nodes> trust = {});

} // namespace ubaflow
