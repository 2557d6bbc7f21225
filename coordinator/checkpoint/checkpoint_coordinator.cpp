#include "coordinator/checkpoint/checkpoint_coordinator.hpp"

#include "common/cluster/trusted_nodes.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/protocol/validation.hpp"
#include "common/util/clock.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <optional>

namespace ubaflow {

namespace {

struct checkpointer_state {
  checkpointed_job job;
  attempt_checkpointing settings;
  std::vector<caf::actor> sources;
  checkpoint_participants expected;
  caf::actor listener;
  std::optional<checkpoint_builder> pending;
  int64_t pending_since_ms = 0; ///< steady clock
  std::vector<caf::typed_response_promise<std::string>> savepoint_waiters;
  bool savepoint_requested = false;
  size_t sources_done = 0;
  bool ending = false; ///< every source is done, or the job stops

  static inline const char* name = "ubaflow.checkpoints";
};

using checkpointer = caf::stateful_actor<checkpointer_state>;

void trigger(checkpointer* self, bool savepoint);

void report(checkpointer* self) {
  auto& st = self->state;
  if (st.listener)
    self->send(st.listener, checkpoint_atom_v, st.settings.stats);
}

/// Ends the pending checkpoint; a savepoint asked for meanwhile goes next.
void end_pending(checkpointer* self) {
  auto& st = self->state;
  st.pending.reset();
  st.settings.stats.in_progress = 0;
  report(self);
  if (st.savepoint_requested) {
    st.savepoint_requested = false;
    trigger(self, true);
  }
}

/// Keeps the last ten checkpoints for the REST API's history.
void remember(checkpointer* self, checkpoint_record record) {
  auto& history = self->state.settings.stats.history;
  history.push_back(std::move(record));
  if (history.size() > 10)
    history.erase(history.begin());
}

void fail_pending(checkpointer* self, const std::string& why) {
  auto& st = self->state;
  if (!st.pending)
    return;
  const bool savepoint = st.pending->savepoint();
  spdlog::warn("{} {} failed: {}", savepoint ? "savepoint" : "checkpoint",
               st.pending->id(), why);
  ++st.settings.stats.failed;
  st.settings.stats.last_failure = why;
  remember(self, {st.pending->id(), savepoint, false,
                  st.pending->data().taken_ms,
                  steady_now_ms() - st.pending_since_ms, 0, 0, {}, why});
  if (savepoint) {
    for (auto& waiter : st.savepoint_waiters)
      waiter.deliver(caf::make_error(cluster_error::checkpoint_failed,
                                     "savepoint failed: " + why));
    st.savepoint_waiters.clear();
  }
  end_pending(self);
}

void maybe_complete(checkpointer* self) {
  auto& st = self->state;
  if (!st.pending || !st.pending->complete())
    return;
  const auto& data = st.pending->data();
  uint64_t bytes = 0;
  std::string error;
  auto path = st.settings.store->write(data, bytes, error);
  if (!path) {
    fail_pending(self, error);
    return;
  }
  auto& stats = st.settings.stats;
  const int64_t duration = steady_now_ms() - st.pending_since_ms;
  ++stats.completed;
  stats.last_id = data.id;
  stats.last_duration_ms = duration;
  stats.last_bytes = bytes;
  stats.last_completed_ms = wall_now_ms();
  stats.last_path = *path;
  remember(self, {data.id, data.savepoint, true, data.taken_ms, duration,
                  bytes, static_cast<uint32_t>(data.groups.size()), *path,
                  {}});
  spdlog::info("{} {} completed in {} ms: {} key group(s), {} partition(s), "
               "{} bytes → {}",
               data.savepoint ? "savepoint" : "checkpoint", data.id, duration,
               data.groups.size(), data.partitions.size(), bytes, *path);
  // Offsets go to the consumer group only now that the state covering
  // them is durable (lag tools, startup-mode=group-offsets).
  for (auto& source : st.sources)
    self->send(source, commit_atom_v, data.partitions);
  if (data.savepoint) {
    for (auto& waiter : st.savepoint_waiters)
      waiter.deliver(*path);
    st.savepoint_waiters.clear();
  }
  end_pending(self);
}

void trigger(checkpointer* self, bool savepoint) {
  auto& st = self->state;
  if (st.pending) {
    if (savepoint)
      st.savepoint_requested = true;
    return;
  }
  if (st.ending) {
    if (savepoint) {
      for (auto& waiter : st.savepoint_waiters)
        waiter.deliver(caf::make_error(cluster_error::stopping,
                                       "the job is finishing"));
      st.savepoint_waiters.clear();
    }
    return;
  }
  const uint64_t id = st.settings.next_id++;
  st.pending.emplace(id, savepoint, wall_now_ms(), st.job, st.expected);
  st.pending_since_ms = steady_now_ms();
  st.settings.stats.in_progress = id;
  report(self); // the id is taken, even if this attempt dies now
  const auto timeout = std::chrono::milliseconds(st.settings.timeout_ms);
  for (uint32_t i = 0; i < st.sources.size(); ++i)
    self->request(st.sources[i], timeout, checkpoint_atom_v, id)
      .then(
        [self, i](source_checkpoint& part) {
          if (part.source != i) {
            refuse_invalid(self, "a source's checkpoint part under another "
                                 "source's index");
            return;
          }
          if (self->state.pending) {
            self->state.pending->add(std::move(part));
            maybe_complete(self);
          }
        },
        [self, id](const caf::error& err) {
          if (self->state.pending && self->state.pending->id() == id)
            fail_pending(self, "a source did not take the barrier: "
                                 + self->system().render(err));
        });
  self->delayed_send(self, timeout, checkpoint_atom_v, tick_atom_v, id);
}

caf::behavior checkpointer_behavior(checkpointer* self, checkpointed_job job,
                                    attempt_checkpointing settings,
                                    std::vector<caf::actor> sources,
                                    checkpoint_participants expected,
                                    caf::actor listener) {
  auto& setup = self->state;
  setup.job = std::move(job);
  setup.settings = std::move(settings);
  setup.sources = std::move(sources);
  setup.expected = expected;
  setup.listener = std::move(listener);
  if (setup.settings.interval_ms > 0)
    self->delayed_send(self,
                       std::chrono::milliseconds(setup.settings.interval_ms),
                       checkpoint_atom_v);
  return {
    [self](checkpoint_atom) {
      if (!admit(self, sender_class::self, nullptr, "a checkpoint trigger"))
        return;
      trigger(self, false);
      self->delayed_send(self,
                         std::chrono::milliseconds(
                           self->state.settings.interval_ms),
                         checkpoint_atom_v);
    },
    [self](checkpoint_atom, tick_atom, uint64_t id) {
      if (!admit(self, sender_class::self, nullptr, "a checkpoint timeout"))
        return;
      auto& st = self->state;
      if (st.pending && st.pending->id() == id)
        fail_pending(self, "timed out after "
                             + std::to_string(st.settings.timeout_ms)
                             + " ms waiting for " + st.pending->missing());
    },
    [self](savepoint_atom) -> caf::result<std::string> {
      if (!admit(self, sender_class::local, nullptr, "a savepoint request"))
        return caf::make_error(cluster_error::wrong_sender, "local only");
      auto promise = self->make_response_promise<std::string>();
      self->state.savepoint_waiters.push_back(promise);
      trigger(self, true);
      return promise;
    },
    [self](owner_checkpoint& part) {
      if (!admit(self, sender_class::local, nullptr, "an owner's part"))
        return;
      if (self->state.pending) {
        self->state.pending->add(std::move(part));
        maybe_complete(self);
      }
    },
    [self](combiner_checkpoint& part) {
      if (!admit(self, sender_class::local, nullptr, "the combiner's part"))
        return;
      if (self->state.pending) {
        self->state.pending->add(std::move(part));
        maybe_complete(self);
      }
    },
    [self](checkpoint_atom, ack_atom, uint64_t id) {
      if (!admit(self, sender_class::local, nullptr, "a sink's ack"))
        return;
      auto& st = self->state;
      if (st.pending && st.pending->id() == id) {
        st.pending->add_sink_ack();
        maybe_complete(self);
      }
    },
    [self](done_atom) {
      // Sources of bounded inputs finish one by one; the others still
      // need checkpoints until the last is done.
      if (!admit(self, sender_class::local, nullptr, "a source's end"))
        return;
      auto& st = self->state;
      if (++st.sources_done >= st.sources.size())
        st.ending = true;
    },
    [self](stop_atom) {
      // The job stops: its sources are gone, a checkpoint cannot complete.
      if (!admit(self, sender_class::local, nullptr, "a stop request"))
        return;
      auto& st = self->state;
      st.ending = true;
      if (st.pending) {
        st.pending.reset();
        st.settings.stats.in_progress = 0;
      }
    },
    [self](status_atom) -> caf::result<checkpoint_stats> {
      if (!admit(self, sender_class::local, nullptr, "a status request"))
        return caf::make_error(cluster_error::wrong_sender, "local only");
      return self->state.settings.stats;
    },
  };
}

} // namespace

caf::actor spawn_checkpoint_coordinator(caf::actor_system& system,
                                        checkpointed_job job,
                                        attempt_checkpointing settings,
                                        std::vector<caf::actor> sources,
                                        checkpoint_participants expected,
                                        caf::actor listener) {
  // Detached: writing and syncing a checkpoint file blocks.
  return system.spawn<caf::detached>(checkpointer_behavior, std::move(job),
                      std::move(settings), std::move(sources),
                      expected, std::move(listener));
}

} // namespace ubaflow
