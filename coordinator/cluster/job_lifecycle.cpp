#include "coordinator/cluster/job_lifecycle.hpp"

#include <algorithm>

namespace ubaflow {

const char* to_string(job_phase phase) {
  switch (phase) {
    case job_phase::waiting: return "waiting for workers";
    case job_phase::deploying: return "deploying";
    case job_phase::running: return "running";
    case job_phase::restarting: return "restarting";
    case job_phase::finished: return "finished";
  }
  return "unknown";
}

job_lifecycle::job_lifecycle(lifecycle_limits limits, uint32_t owners,
                             std::string restore_path,
                             uint64_t first_checkpoint_id)
  : limits_(limits),
    owners_(owners),
    restore_path_(std::move(restore_path)),
    next_checkpoint_id_(std::max<uint64_t>(1, first_checkpoint_id)) {
}

job_commands job_lifecycle::try_start(size_t workers) {
  if (phase_ == job_phase::finished)
    return {};
  // min_workers gates the first deployment only: after a loss the job
  // goes on with the workers it has.
  const size_t needed = attempt_ == 0 ? limits_.min_workers : 1;
  if (workers < needed) {
    phase_ = job_phase::waiting;
    return {};
  }
  phase_ = job_phase::deploying;
  ++attempt_;
  return {lifecycle_command::deploy{attempt_, owners_, restore_path_,
                                    next_checkpoint_id_}};
}

job_commands job_lifecycle::restart(std::string reason) {
  switch (phase_) {
    case job_phase::finished:
    case job_phase::restarting:
      return {}; // over, or already cancelling: the next start sees it all
    case job_phase::waiting:
      return {}; // nothing deployed: the caller reconsiders starting
    case job_phase::deploying:
    case job_phase::running:
      break;
  }
  phase_ = job_phase::restarting;
  return {lifecycle_command::cancel_attempt{std::move(reason)}};
}

job_commands job_lifecycle::finish(bool failed, std::string reason) {
  phase_ = job_phase::finished;
  return {lifecycle_command::finish{failed, std::move(reason)}};
}

job_commands job_lifecycle::workers_changed(size_t workers, std::string why) {
  if (phase_ == job_phase::waiting)
    return try_start(workers);
  return restart(std::move(why));
}

job_commands job_lifecycle::restart_delay_elapsed(size_t workers) {
  if (phase_ != job_phase::restarting)
    return {};
  phase_ = job_phase::waiting;
  return try_start(workers);
}

job_commands job_lifecycle::peers_connected(uint32_t attempt) {
  if (attempt != attempt_ || phase_ != job_phase::deploying)
    return {}; // superseded while connecting
  phase_ = job_phase::running;
  return {lifecycle_command::launch{attempt_, draining_}};
}

job_commands job_lifecycle::peers_unreachable(uint32_t attempt,
                                              std::string why) {
  if (attempt != attempt_)
    return {};
  return restart("a worker cannot reach its peers: " + why);
}

job_commands job_lifecycle::restore_failed(std::string why) {
  if (phase_ == job_phase::finished)
    return {};
  return finish(true, "cannot restore the job: " + why);
}

job_commands job_lifecycle::attempt_ended(attempt_end how, std::string why) {
  if (phase_ != job_phase::running)
    return {}; // an attempt this lifecycle already ended
  if (how == attempt_end::completed)
    return finish(false, {}); // the final status came with it
  if (stopping_)
    return finish(false, std::move(why)); // nothing to restart for
  if (how == attempt_end::unreachable)
    // Only failures of the tasks themselves count against the limit.
    return restart("a worker became unreachable");
  if (++task_failures_ > limits_.max_task_failures)
    return finish(true, "the job failed " + std::to_string(task_failures_)
                          + " times; giving up: " + why);
  return restart("a task failed: " + why);
}

job_commands job_lifecycle::redeploy(std::string why) {
  if (phase_ == job_phase::waiting)
    return {}; // the next deployment sees the change anyway
  return restart(std::move(why));
}

job_commands job_lifecycle::drain_requested() {
  draining_ = true; // applies to later attempts too
  if (phase_ == job_phase::running)
    return {lifecycle_command::drain_attempt{}};
  return {};
}

job_commands job_lifecycle::stop_requested() {
  if (stopping_ || phase_ == job_phase::finished)
    return {};
  stopping_ = true;
  if (phase_ != job_phase::running)
    return finish(false, {}); // no job master to stop
  // Flink's stop-with-savepoint: the next start restores it, so an upgrade
  // neither loses nor repeats what was read since the last checkpoint.
  return {lifecycle_command::stop_attempt{limits_.checkpoints
                                          && limits_.stop_savepoint}};
}

rescale_decision job_lifecycle::rescale_requested(uint32_t owners) {
  rescale_decision d;
  if (owners == 0 || owners > limits_.key_groups) {
    d.refusal = cluster_error::invalid_message;
    d.message = "parallelism must be between 1 and "
                + std::to_string(limits_.key_groups) + " (job.key-groups)";
    return d;
  }
  if (stopping_ || phase_ == job_phase::finished) {
    d.refusal = cluster_error::stopping;
    d.message = "the job is stopping";
    return d;
  }
  const std::string done = "rescaled to " + std::to_string(owners)
                           + " keyed-state owner(s)";
  if (phase_ == job_phase::running) {
    // Savepoint first, so the new layout re-reads as little as possible;
    // state moves by key group when the next attempt restores it.
    d.commands.push_back(lifecycle_command::savepoint_for_rescale{owners});
    return d;
  }
  owners_ = owners;
  if (phase_ == job_phase::deploying) { // supersede that plan
    d.commands = restart(done);
    d.message = done;
  } else {
    d.message = done + "; applies at the next deployment";
  }
  return d;
}

rescale_decision job_lifecycle::rescale_savepoint_ended(
  uint32_t owners, const std::string& path) {
  rescale_decision d;
  if (stopping_ || phase_ == job_phase::finished) {
    // A stop came in while the savepoint ran: it wins.
    d.refusal = cluster_error::stopping;
    d.message = "the job is stopping";
    return d;
  }
  if (!path.empty())
    savepoint_written(path);
  owners_ = owners;
  const std::string done = "rescaled to " + std::to_string(owners)
                           + " keyed-state owner(s)";
  d.commands = restart(done);
  d.message = done
              + (path.empty()
                   ? std::string{" from the latest checkpoint (the "
                                 "savepoint failed)"}
                   : " from savepoint " + path);
  return d;
}

void job_lifecycle::checkpoint_reported(const checkpoint_stats& stats) {
  // Ids are never reused, not even those of checkpoints that failed or
  // were abandoned with their attempt.
  next_checkpoint_id_ = std::max({next_checkpoint_id_, stats.in_progress + 1,
                                  stats.last_id + 1});
  if (!stats.last_path.empty() && stats.last_id > last_checkpoint_id_) {
    restore_path_ = stats.last_path;
    last_checkpoint_id_ = stats.last_id;
  }
}

void job_lifecycle::savepoint_written(const std::string& path) {
  restore_path_ = path; // newer than any checkpoint
}

void job_lifecycle::restore_point_moved(const std::string& path) {
  restore_path_ = path;
}

} // namespace ubaflow
