#include "worker/runtime/task_manager.hpp"

#include "worker/runtime/cluster_transport.hpp"

#include "common/protocol/type_ids.hpp"
#include "worker/sink/sink_actor.hpp"
#include "worker/source/source_actor.hpp"
#include "worker/state/state_actor.hpp"
#include "worker/state/uv_combiner.hpp"
#include "worker/task_factory.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <set>

namespace ubaflow {

namespace {

struct task_manager_state {
  std::shared_ptr<const job_config> config;
  std::chrono::milliseconds heartbeat{1000};
  caf::actor coordinator; ///< set once joined
  uint32_t worker_id = 0;
  std::vector<caf::actor> tasks;
  std::set<std::string> connected_peers;
  std::vector<caf::response_promise> cancel_waiters;

  static inline const char* name = "ubaflow.task_manager";
};

using task_manager_actor = caf::stateful_actor<task_manager_state>;

void host(task_manager_actor* self, const caf::actor& task) {
  self->state.tasks.push_back(task);
  self->monitor(task);
}

void answer_cancel_waiters(task_manager_actor* self) {
  auto& st = self->state;
  if (!st.tasks.empty())
    return;
  for (auto& promise : st.cancel_waiters)
    promise.deliver(ack_atom_v);
  st.cancel_waiters.clear();
}

/// Connects to every peer not connected yet; delivers ack when all are.
/// Each connection is opened by a short-lived detached actor, since CAF's
/// connect call blocks.
void connect_peers(task_manager_actor* self, const peer_list& list,
                   caf::response_promise promise) {
  auto& st = self->state;
  std::vector<peer_address> missing;
  for (const auto& peer : list.peers)
    if (!st.connected_peers.count(peer.host + ":" + std::to_string(peer.port)))
      missing.push_back(peer);
  if (missing.empty()) {
    promise.deliver(ack_atom_v);
    return;
  }
  auto pending = std::make_shared<size_t>(missing.size());
  auto failed = std::make_shared<std::string>();
  for (const auto& peer : missing) {
    const std::string name = peer.host + ":" + std::to_string(peer.port);
    auto connector = self->spawn<caf::detached>(
      [peer](caf::event_based_actor* helper) -> caf::behavior {
        return {
          [helper, peer](join_atom) -> caf::result<ack_atom> {
            auto found = connect_to(helper->system(), peer.host, peer.port);
            helper->quit();
            if (!found)
              return found.error();
            return ack_atom_v;
          },
        };
      });
    auto finish = [self, pending, failed, promise]() mutable {
      if (--*pending > 0)
        return;
      if (failed->empty())
        promise.deliver(ack_atom_v);
      else
        promise.deliver(
          caf::make_error(caf::sec::cannot_connect_to_node, *failed));
    };
    self->request(connector, std::chrono::seconds(15), join_atom_v)
      .then(
        [self, name, finish](ack_atom) mutable {
          self->state.connected_peers.insert(name);
          finish();
        },
        [self, name, failed, finish](caf::error& err) mutable {
          *failed += "cannot reach peer " + name + ": "
                     + self->system().render(err) + "; ";
          finish();
        });
  }
}

caf::behavior task_manager_behavior(task_manager_actor* self,
                                    std::shared_ptr<const job_config> job,
                                    int64_t heartbeat_ms) {
  self->state.config = std::move(job);
  self->state.heartbeat = std::chrono::milliseconds(heartbeat_ms);
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& tasks = self->state.tasks;
    tasks.erase(std::remove_if(tasks.begin(), tasks.end(),
                               [&](const caf::actor& a) {
                                 return a.address() == msg.source;
                               }),
                tasks.end());
    answer_cancel_waiters(self);
  });
  return {
    [self](join_atom, uint32_t worker_id, caf::actor coordinator) {
      auto& st = self->state;
      const bool first = !st.coordinator;
      st.worker_id = worker_id;
      st.coordinator = std::move(coordinator);
      if (first)
        self->send(self, heartbeat_atom_v);
    },
    [self](heartbeat_atom) {
      auto& st = self->state;
      if (st.coordinator)
        self->send(st.coordinator, heartbeat_atom_v, st.worker_id);
      self->delayed_send(self, st.heartbeat, heartbeat_atom_v);
    },
    [self](const peer_list& peers) {
      auto promise = self->make_response_promise();
      connect_peers(self, peers, promise);
      return promise;
    },
    [self](const sink_deployment& d) {
      auto& st = self->state;
      const auto& config = *st.config;
      std::vector<caf::actor> sinks;
      auto& sys = self->system();
      // The first output also mirrors rows to the coordinator (REST API).
      if (config.ndjson_output)
        sinks.push_back(spawn_sink_actor(sys, make_ndjson_writer(config),
                                         d.producers, 1000, d.coordinator,
                                         sinks.empty()));
      if (config.es_output)
        sinks.push_back(spawn_sink_actor(sys, make_es_writer(config),
                                         d.producers,
                                         config.es_flush_interval_ms,
                                         d.coordinator, sinks.empty()));
      for (auto& s : sinks)
        host(self, s);
      return sinks;
    },
    [self](const combiner_deployment& d) -> caf::result<caf::actor> {
      const auto& config = *self->state.config;
      auto state = std::make_shared<uv_combiner>(
        config.windows, d.owner_ranges, result_formatter{config.zone});
      if (!d.restore.empty() && !state->restore(d.restore.front()))
        return caf::make_error(caf::sec::invalid_argument,
                               "the checkpoint's UV combiner state does not "
                               "fit this job (key groups changed?)");
      auto combiner = spawn_combiner_actor(self->system(), std::move(state),
                                           d.owner_ranges.size(), d.sinks,
                                           d.coordinator);
      host(self, combiner);
      return combiner;
    },
    [self](const owner_deployment& d) -> caf::result<caf::actor> {
      const auto& config = *self->state.config;
      auto state = std::make_shared<keyed_state>(
        config.windows, d.range, d.inputs, result_formatter{config.zone});
      for (const auto& group : d.restore)
        if (!state->restore(group))
          return caf::make_error(caf::sec::invalid_argument,
                                 "cannot restore key group "
                                   + std::to_string(group.group)
                                   + " from the checkpoint");
      state->restore_watermark(d.restore_watermark);
      auto owner = spawn_state_actor(self->system(), d.index,
                                     std::move(state), d.sinks, d.combiner,
                                     d.coordinator,
                                     config.category_interval_ms,
                                     config.key_groups);
      host(self, owner);
      return owner;
    },
    [self](const source_deployment& d) {
      auto config = self->state.config;
      source_actor_settings settings;
      settings.max_in_flight = config->max_in_flight;
      source_task_factory factory
        = [config, index = d.index, partitions = d.partitions,
           ranges = d.owner_ranges, restore = d.restore,
           unresolved = d.unresolved](std::string& why) {
            return make_source_task(*config, index, partitions, ranges, why,
                                    restore, unresolved);
          };
      auto source = spawn_source_actor(self->system(), std::move(factory),
                                       d.index, d.owners, d.coordinator,
                                       settings);
      host(self, source);
      return source;
    },
    [self](status_atom) {
      // For the worker's own /metrics.
      return static_cast<uint64_t>(self->state.tasks.size());
    },
    [self](shutdown_atom) {
      // The job is over and the coordinator is going away.
      for (auto& task : self->state.tasks)
        self->send_exit(task, caf::exit_reason::user_shutdown);
      auto promise = self->make_response_promise();
      promise.deliver(ack_atom_v); // before quitting, so it is sent
      self->quit();
    },
    [self](cancel_atom) {
      auto& st = self->state;
      auto promise = self->make_response_promise();
      st.cancel_waiters.push_back(promise);
      for (auto& task : st.tasks)
        self->send_exit(task, caf::exit_reason::user_shutdown);
      answer_cancel_waiters(self);
      return promise;
    },
  };
}

} // namespace

caf::actor spawn_task_manager(caf::actor_system& system,
                              std::shared_ptr<const job_config> config,
                              int64_t heartbeat_ms) {
  return system.spawn(task_manager_behavior, std::move(config), heartbeat_ms);
}

} // namespace ubaflow
