#pragma once

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/job_master_interface.hpp"
#include "common/protocol/task_manager_interface.hpp"
#include "coordinator/attempt/attempt_progress.hpp"
#include "coordinator/checkpoint/checkpoint_store.hpp"
#include "coordinator/job_plan.hpp"
#include "common/config/job_config.hpp"

#include <caf/actor.hpp>

#include <memory>
#include <vector>

namespace ubaflow {

/// How an execution attempt checkpoints, and where it starts from.
struct attempt_checkpointing {
  int64_t interval_ms = 0; ///< 0: no periodic checkpoints
  int64_t timeout_ms = 60'000;
  std::shared_ptr<checkpoint_store> store; ///< null: no checkpoints at all
  uint64_t next_id = 1;
  /// The checkpoint the tasks restore (null: a fresh start) and its file.
  std::shared_ptr<const checkpoint_data> restore;
  std::string restore_path;
  checkpoint_stats stats; ///< of the attempts before, carried on
};

/// Spawns the job master of one execution attempt: it deploys sinks, the
/// UV combiner, the keyed-state owners and the source tasks of `plan` over
/// `task_managers` (in-process or remote), watches them, and answers:
///  - status_atom → job_status (fans out to every task);
///  - drain_atom  → sources read to their current end, then every window
///                  fires and the job finishes (Flink's stop --drain);
///  - stop_atom   → sources stop, pending rows are flushed, the job ends
///                  without firing open windows;
///  - savepoint_atom → takes a savepoint now; answers with its path.
/// Every `checkpointing.interval_ms` it takes an aligned-barrier checkpoint
/// (sources → owners → combiner → sinks), writes it to the store, commits
/// its offsets to the consumer group and sends (checkpoint_atom,
/// checkpoint_stats) to `listener`. Result rows mirrored by the first sink
/// go to `results` as (results_atom, rows), or to `listener` without one.
/// It exits normally once every sink has written everything, and with an
/// error if a task fails; either way it first sends (done_atom, job_status)
/// with the final figures to `listener` (if any).
job_master_actor
spawn_job_coordinator(caf::actor_system& system,
                      std::shared_ptr<const job_config> config, job_plan plan,
                      std::vector<task_manager_actor> task_managers,
                      job_listener_actor listener = {},
                      attempt_checkpointing checkpointing = {},
                      results_actor results = {});

} // namespace ubaflow
