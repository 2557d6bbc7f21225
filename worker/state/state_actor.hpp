#pragma once

#include "worker/state/keyed_state.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <vector>

namespace ubaflow {

/// Spawns the actor of one keyed-state owner: merges partial batches
/// (acknowledging each, which is the sources' credit), sends result rows to
/// the sinks and UV slices to the combiner, emits top_category upserts every
/// `category_interval_ms`, and announces the end of its stream to sinks,
/// combiner and coordinator once every input has finished.
caf::actor spawn_state_actor(caf::actor_system& system, uint32_t index,
                             std::shared_ptr<keyed_state> state,
                             std::vector<caf::actor> sinks,
                             caf::actor combiner, caf::actor coordinator,
                             int64_t category_interval_ms);

/// Spawns the UV combiner: sums owners' slices into result rows.
caf::actor spawn_combiner_actor(caf::actor_system& system,
                                std::shared_ptr<class uv_combiner> combiner,
                                std::vector<caf::actor> sinks);

} // namespace ubaflow
