#include "coordinator/checkpoint/checkpoint_coordinator.hpp"

#include "coordinator/checkpoint/checkpoint_cycle.hpp"

#include "common/cluster/trusted_nodes.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/protocol/validation.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <optional>

namespace ubaflow {

namespace {

struct checkpointer_state {
  std::optional<checkpoint_cycle> cycle; ///< the logic; this actor carries out
  std::vector<source_actor> sources;
  job_listener_actor listener;
  int64_t interval_ms = 0;
  std::vector<caf::typed_response_promise<std::string>> savepoint_waiters;

  static inline const char* name = "ubaflow.checkpoints";
};

using checkpointer
  = checkpoint_coordinator_actor::stateful_base<checkpointer_state>;

void run(checkpointer* self, checkpoint_steps steps);

/// Carries out one step (std::visit picks the overload).
struct step_runner {
  checkpointer* self;

  void operator()(const checkpoint_command::request_barriers& s) {
    const auto timeout = std::chrono::milliseconds(s.timeout_ms);
    const uint64_t id = s.id;
    auto& sources = self->state.sources;
    for (uint32_t i = 0; i < sources.size(); ++i)
      self->request(sources[i], timeout, checkpoint_atom_v, id)
        .then(
          [self = self, i](source_checkpoint& part) {
            if (part.source != i) {
              refuse_invalid(self, "a source's checkpoint part under "
                                   "another source's index");
              return;
            }
            run(self, self->state.cycle->source_part(std::move(part)));
          },
          [self = self, id](const caf::error& err) {
            run(self, self->state.cycle->barrier_refused(
                        id, self->system().render(err)));
          });
    self->delayed_send(self, timeout, checkpoint_atom_v, tick_atom_v, id);
  }

  void operator()(const checkpoint_command::commit_offsets& s) {
    for (auto& source : self->state.sources)
      self->send(source, commit_atom_v, s.partitions);
  }

  void operator()(const checkpoint_command::answer_savepoints& s) {
    for (auto& waiter : self->state.savepoint_waiters) {
      if (s.refusal)
        waiter.deliver(caf::make_error(*s.refusal, s.reason));
      else
        waiter.deliver(s.path);
    }
    self->state.savepoint_waiters.clear();
  }

  void operator()(const checkpoint_command::report& s) {
    if (self->state.listener)
      self->send(self->state.listener, checkpoint_atom_v, s.stats);
  }
};

void run(checkpointer* self, checkpoint_steps steps) {
  for (const auto& s : steps)
    std::visit(step_runner{self}, s);
}

checkpoint_coordinator_actor::behavior_type
checkpointer_behavior(checkpointer* self, checkpointed_job job,
                      attempt_checkpointing settings,
                      std::vector<source_actor> sources,
                      checkpoint_participants expected,
                      job_listener_actor listener) {
  auto& setup = self->state;
  setup.cycle.emplace(std::move(job), expected, settings.store,
                      settings.timeout_ms, settings.next_id,
                      std::move(settings.stats));
  setup.sources = std::move(sources);
  setup.listener = std::move(listener);
  setup.interval_ms = settings.interval_ms;
  if (setup.interval_ms > 0)
    self->delayed_send(self, std::chrono::milliseconds(setup.interval_ms),
                       checkpoint_atom_v);
  return {
    [self](checkpoint_atom) {
      if (!admit(self, sender_class::self, nullptr, "a checkpoint trigger"))
        return;
      run(self, self->state.cycle->periodic_trigger());
      self->delayed_send(self,
                         std::chrono::milliseconds(self->state.interval_ms),
                         checkpoint_atom_v);
    },
    [self](checkpoint_atom, tick_atom, uint64_t id) {
      if (!admit(self, sender_class::self, nullptr, "a checkpoint timeout"))
        return;
      run(self, self->state.cycle->timed_out(id));
    },
    [self](savepoint_atom) -> caf::result<std::string> {
      if (!admit(self, sender_class::local, nullptr, "a savepoint request"))
        return caf::make_error(cluster_error::wrong_sender, "local only");
      auto promise = self->make_response_promise<std::string>();
      self->state.savepoint_waiters.push_back(promise);
      run(self, self->state.cycle->savepoint_requested());
      return promise;
    },
    [self](owner_checkpoint& part) {
      if (!admit(self, sender_class::local, nullptr, "an owner's part"))
        return;
      run(self, self->state.cycle->owner_part(std::move(part)));
    },
    [self](combiner_checkpoint& part) {
      if (!admit(self, sender_class::local, nullptr, "the combiner's part"))
        return;
      run(self, self->state.cycle->combiner_part(std::move(part)));
    },
    [self](checkpoint_atom, failed_atom, uint64_t id, const std::string& why) {
      if (!admit(self, sender_class::local, nullptr, "a declined checkpoint"))
        return;
      spdlog::warn("checkpoint {} declined by an owner: {}", id, why);
      run(self, self->state.cycle->barrier_refused(id, why));
    },
    [self](checkpoint_atom, ack_atom, uint64_t id) {
      if (!admit(self, sender_class::local, nullptr, "a sink's ack"))
        return;
      run(self, self->state.cycle->sink_ack(id));
    },
    [self](done_atom) {
      if (!admit(self, sender_class::local, nullptr, "a source's end"))
        return;
      self->state.cycle->source_done();
    },
    [self](stop_atom) {
      if (!admit(self, sender_class::local, nullptr, "a stop request"))
        return;
      run(self, self->state.cycle->stop());
    },
    [self](status_atom) -> caf::result<checkpoint_stats> {
      if (!admit(self, sender_class::local, nullptr, "a status request"))
        return caf::make_error(cluster_error::wrong_sender, "local only");
      return self->state.cycle->stats();
    },
  };
}

} // namespace

checkpoint_coordinator_actor
spawn_checkpoint_coordinator(caf::actor_system& system, checkpointed_job job,
                             attempt_checkpointing settings,
                             std::vector<source_actor> sources,
                             checkpoint_participants expected,
                             job_listener_actor listener) {
  // Detached: writing and syncing a checkpoint file blocks.
  return system.spawn<caf::detached>(checkpointer_behavior, std::move(job),
                      std::move(settings), std::move(sources),
                      expected, std::move(listener));
}

} // namespace ubaflow
