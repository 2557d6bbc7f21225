#pragma once

#include "coordinator/job_plan.hpp"
#include "worker/job_config.hpp"

#include <caf/actor.hpp>

#include <memory>
#include <vector>

namespace ubaflow {

/// Spawns the job master of one execution attempt: it deploys sinks, the
/// UV combiner, the keyed-state owners and the source tasks of `plan` over
/// `task_managers` (in-process or remote), watches them, and answers:
///  - status_atom → job_status (fans out to every task);
///  - drain_atom  → sources read to their current end, then every window
///                  fires and the job finishes (Flink's stop --drain);
///  - stop_atom   → sources stop, pending rows are flushed, the job ends
///                  without firing open windows.
/// It exits normally once every sink has written everything, and with an
/// error if a task fails; either way it first sends (done_atom, job_status)
/// with the final figures to `listener` (if any).
caf::actor spawn_job_coordinator(caf::actor_system& system,
                                 std::shared_ptr<const job_config> config,
                                 job_plan plan,
                                 std::vector<caf::actor> task_managers,
                                 caf::actor listener = {});

} // namespace ubaflow
