#pragma once

#include <cstddef>
#include <variant>
#include <vector>

namespace ubaflow {

/// Where an execution attempt stands. Reported in job_status::state (and
/// from there in the REST API) by its name.
enum class attempt_phase {
  deploying, ///< tasks being placed and connected
  running,
  draining,  ///< sources read to their end, then every window fires
  stopping,  ///< sources stopped, pending rows being flushed
  finished,
  stopped,
  failed,
};

const char* to_string(attempt_phase phase);

/// What the job master of the attempt does next.
namespace attempt_command {

/// Every task is deployed: checkpoints begin (if enabled).
struct start_checkpoints {};
/// Sources read to the current end of their input, then end (Flink's
/// stop --drain): every window fires.
struct drain_sources {};
/// A stop came while deploying: the sources deployed since end at once.
struct end_sources {};
/// Stop: checkpoints end, each source's figures are kept for the summary,
/// the sources end, the sinks write what is pending; the stop timeout runs.
struct stop_tasks {};
/// Every result is written: commit the sources' positions, then come back
/// with committed().
struct commit_positions {};
/// The attempt is over with `outcome`: report the final status, stop
/// every task.
struct finish {
  attempt_phase outcome = attempt_phase::finished;
};

} // namespace attempt_command

using attempt_step
  = std::variant<attempt_command::start_checkpoints,
                 attempt_command::drain_sources, attempt_command::end_sources,
                 attempt_command::stop_tasks,
                 attempt_command::commit_positions, attempt_command::finish>;
using attempt_steps = std::vector<attempt_step>;

/// The phases of one execution attempt as a state machine: deploying,
/// running, draining or stopping, and how it ends. Every event returns the
/// steps the job master carries out (tests/unit/coordinator/
/// attempt_progress.test.cpp covers each transition). The attempt ends
/// once: events after that return nothing.
class attempt_progress {
public:
  /// Every task is deployed.
  attempt_steps deployed();
  attempt_steps drain_requested();
  attempt_steps stop_requested();
  /// One more of `sinks` sinks has written everything; `sources` tells
  /// whether any source is left to commit.
  attempt_steps sink_done(size_t sinks, bool sources);
  /// The positions are committed after the last sink's end.
  attempt_steps committed();
  /// A task failed, or a deployment did.
  attempt_steps failed();
  /// The stop timeout passed before every sink wrote everything.
  attempt_steps stop_timed_out();

  attempt_phase phase() const { return phase_; }
  bool ended() const { return ended_; }

private:
  attempt_steps end(attempt_phase outcome);

  attempt_phase phase_ = attempt_phase::deploying;
  bool drain_pending_ = false; ///< drain asked for while deploying
  bool ended_ = false;
  size_t sinks_done_ = 0;
};

} // namespace ubaflow
