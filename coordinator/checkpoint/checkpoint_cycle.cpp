#include "coordinator/checkpoint/checkpoint_cycle.hpp"

#include "common/util/clock.hpp"

#include <spdlog/spdlog.h>

namespace ubaflow {

namespace step = checkpoint_command;

const char* to_string(checkpoint_phase phase) {
  switch (phase) {
    case checkpoint_phase::idle: return "idle";
    case checkpoint_phase::in_progress: return "in progress";
    case checkpoint_phase::closing: return "closing";
    case checkpoint_phase::closed: return "closed";
  }
  return "unknown";
}

checkpoint_clocks system_checkpoint_clocks() {
  return {[] { return wall_now_ms(); }, [] { return steady_now_ms(); }};
}

checkpoint_cycle::checkpoint_cycle(checkpointed_job job,
                                   checkpoint_participants expected,
                                   std::shared_ptr<checkpoint_store> store,
                                   int64_t timeout_ms, uint64_t next_id,
                                   checkpoint_stats stats,
                                   checkpoint_clocks clocks)
  : job_(std::move(job)),
    expected_(expected),
    store_(std::move(store)),
    timeout_ms_(timeout_ms),
    next_id_(next_id),
    stats_(std::move(stats)),
    clocks_(std::move(clocks)) {
}

checkpoint_steps checkpoint_cycle::periodic_trigger() {
  if (phase_ != checkpoint_phase::idle)
    return {}; // one at a time; none once the job ends
  return start(false);
}

checkpoint_steps checkpoint_cycle::savepoint_requested() {
  switch (phase_) {
    case checkpoint_phase::idle:
      return start(true);
    case checkpoint_phase::in_progress:
      // A pending savepoint answers this request too; a pending checkpoint
      // is followed by the savepoint.
      if (!pending_->savepoint())
        savepoint_queued_ = true;
      return {};
    case checkpoint_phase::closing:
      if (pending_ && pending_->savepoint())
        return {}; // it may still complete
      [[fallthrough]];
    case checkpoint_phase::closed:
      break;
  }
  return {step::answer_savepoints{{}, cluster_error::stopping,
                                  "the job is finishing"}};
}

checkpoint_steps checkpoint_cycle::start(bool savepoint) {
  const uint64_t id = next_id_++;
  pending_.emplace(id, savepoint, clocks_.wall(), job_, expected_);
  pending_since_ms_ = clocks_.steady();
  phase_ = checkpoint_phase::in_progress;
  stats_.in_progress = id;
  // Reported before the barriers go out: the id is taken even if this
  // attempt dies now, and the next attempt never reuses it.
  return {step::report{stats_}, step::request_barriers{id, timeout_ms_}};
}

checkpoint_steps checkpoint_cycle::source_part(source_checkpoint part) {
  if (!pending_)
    return {};
  pending_->add(std::move(part));
  return complete_if_whole();
}

checkpoint_steps checkpoint_cycle::owner_part(owner_checkpoint part) {
  if (!pending_)
    return {};
  pending_->add(std::move(part));
  return complete_if_whole();
}

checkpoint_steps checkpoint_cycle::combiner_part(combiner_checkpoint part) {
  if (!pending_)
    return {};
  pending_->add(std::move(part));
  return complete_if_whole();
}

checkpoint_steps checkpoint_cycle::sink_ack(uint64_t id) {
  if (!pending_ || pending_->id() != id)
    return {};
  pending_->add_sink_ack();
  return complete_if_whole();
}

checkpoint_steps checkpoint_cycle::barrier_refused(uint64_t id,
                                                   const std::string& why) {
  if (!pending_ || pending_->id() != id)
    return {};
  return fail_pending("the barrier was not taken: " + why);
}

checkpoint_steps checkpoint_cycle::timed_out(uint64_t id) {
  if (!pending_ || pending_->id() != id)
    return {}; // completed or failed before its timeout
  return fail_pending("timed out after " + std::to_string(timeout_ms_)
                      + " ms waiting for " + pending_->missing());
}

void checkpoint_cycle::source_done() {
  // Sources of bounded inputs finish one by one; the others still need
  // checkpoints until the last is done.
  if (++sources_done_ < expected_.sources)
    return;
  if (phase_ == checkpoint_phase::idle)
    phase_ = checkpoint_phase::closed;
  else if (phase_ == checkpoint_phase::in_progress)
    phase_ = checkpoint_phase::closing;
}

checkpoint_steps checkpoint_cycle::stop() {
  if (phase_ == checkpoint_phase::closed)
    return {};
  const bool savepoint_waits = savepoint_queued_
                               || (pending_ && pending_->savepoint());
  phase_ = checkpoint_phase::closed;
  savepoint_queued_ = false;
  checkpoint_steps steps;
  if (pending_) {
    pending_.reset();
    stats_.in_progress = 0;
    steps.push_back(step::report{stats_});
  }
  if (savepoint_waits)
    steps.push_back(step::answer_savepoints{{}, cluster_error::stopping,
                                            "the job is stopping"});
  return steps;
}

void checkpoint_cycle::remember(checkpoint_record record) {
  // The last ten, for the REST API's history.
  auto& history = stats_.history;
  history.push_back(std::move(record));
  if (history.size() > 10)
    history.erase(history.begin());
}

checkpoint_steps checkpoint_cycle::complete_if_whole() {
  if (!pending_ || !pending_->complete())
    return {};
  const auto& data = pending_->data();
  uint64_t bytes = 0;
  std::string error;
  auto path = store_->write(data, bytes, error);
  if (!path)
    return fail_pending(error);
  const int64_t duration = clocks_.steady() - pending_since_ms_;
  ++stats_.completed;
  stats_.last_id = data.id;
  stats_.last_duration_ms = duration;
  stats_.last_bytes = bytes;
  stats_.last_completed_ms = clocks_.wall();
  stats_.last_path = *path;
  remember({data.id, data.savepoint, true, data.taken_ms, duration, bytes,
            static_cast<uint32_t>(data.groups.size()), *path, {}});
  spdlog::info("{} {} completed in {} ms: {} key group(s), {} partition(s), "
               "{} bytes → {}",
               data.savepoint ? "savepoint" : "checkpoint", data.id, duration,
               data.groups.size(), data.partitions.size(), bytes, *path);
  checkpoint_steps steps{step::commit_offsets{data.partitions}};
  if (data.savepoint)
    steps.push_back(step::answer_savepoints{*path, std::nullopt, {}});
  return end_pending(std::move(steps));
}

checkpoint_steps checkpoint_cycle::fail_pending(const std::string& why) {
  const bool savepoint = pending_->savepoint();
  spdlog::warn("{} {} failed: {}", savepoint ? "savepoint" : "checkpoint",
               pending_->id(), why);
  ++stats_.failed;
  stats_.last_failure = why;
  remember({pending_->id(), savepoint, false, pending_->data().taken_ms,
            clocks_.steady() - pending_since_ms_, 0, 0, {}, why});
  checkpoint_steps steps;
  if (savepoint)
    steps.push_back(step::answer_savepoints{{}, cluster_error::checkpoint_failed,
                                            "savepoint failed: " + why});
  return end_pending(std::move(steps));
}

checkpoint_steps checkpoint_cycle::end_pending(checkpoint_steps steps) {
  pending_.reset();
  stats_.in_progress = 0;
  phase_ = phase_ == checkpoint_phase::closing ? checkpoint_phase::closed
                                               : checkpoint_phase::idle;
  steps.push_back(step::report{stats_});
  if (savepoint_queued_) {
    savepoint_queued_ = false;
    auto next = savepoint_requested(); // starts it, or refuses once closed
    steps.insert(steps.end(), next.begin(), next.end());
  }
  return steps;
}

} // namespace ubaflow
