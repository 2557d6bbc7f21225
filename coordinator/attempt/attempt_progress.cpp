#include "coordinator/attempt/attempt_progress.hpp"

namespace ubaflow {

namespace step = attempt_command;

const char* to_string(attempt_phase phase) {
  switch (phase) {
    case attempt_phase::deploying: return "deploying";
    case attempt_phase::running: return "running";
    case attempt_phase::draining: return "draining";
    case attempt_phase::stopping: return "stopping";
    case attempt_phase::finished: return "finished";
    case attempt_phase::stopped: return "stopped";
    case attempt_phase::failed: return "failed";
  }
  return "unknown";
}

attempt_steps attempt_progress::end(attempt_phase outcome) {
  if (ended_)
    return {};
  ended_ = true;
  phase_ = outcome;
  return {step::finish{outcome}};
}

attempt_steps attempt_progress::deployed() {
  if (ended_)
    return {};
  if (phase_ == attempt_phase::stopping)
    return {step::end_sources{}}; // the stop came while deploying
  if (phase_ != attempt_phase::deploying)
    return {};
  phase_ = attempt_phase::running;
  attempt_steps steps{step::start_checkpoints{}};
  if (drain_pending_) {
    phase_ = attempt_phase::draining;
    steps.push_back(step::drain_sources{});
  }
  return steps;
}

attempt_steps attempt_progress::drain_requested() {
  if (phase_ == attempt_phase::deploying) {
    drain_pending_ = true;
    return {};
  }
  if (phase_ != attempt_phase::running)
    return {}; // draining already, stopping, or over
  phase_ = attempt_phase::draining;
  return {step::drain_sources{}};
}

attempt_steps attempt_progress::stop_requested() {
  if (ended_ || phase_ == attempt_phase::stopping)
    return {};
  phase_ = attempt_phase::stopping;
  return {step::stop_tasks{}};
}

attempt_steps attempt_progress::sink_done(size_t sinks, bool sources) {
  if (ended_ || ++sinks_done_ < sinks)
    return {};
  if (phase_ == attempt_phase::stopping)
    return end(attempt_phase::stopped);
  if (!sources)
    return end(attempt_phase::finished);
  // Every result of every record read is written: the positions go to the
  // consumer group before the attempt ends.
  return {step::commit_positions{}};
}

attempt_steps attempt_progress::committed() {
  return end(attempt_phase::finished);
}

attempt_steps attempt_progress::failed() {
  return end(attempt_phase::failed);
}

attempt_steps attempt_progress::stop_timed_out() {
  if (phase_ != attempt_phase::stopping)
    return {};
  return end(attempt_phase::stopped);
}

} // namespace ubaflow
