#include "worker/runtime/task_manager.hpp"

#include "common/sql/exec/sql_job.hpp"
#include "common/transport/cluster_transport.hpp"

#include "common/cluster/trusted_nodes.hpp"
#include "common/protocol/cluster_manager_interface.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/protocol/untyped_send.hpp"
#include "common/protocol/validation.hpp"
#include "worker/sink/sink_actor.hpp"
#include "worker/source/source_actor.hpp"
#include "worker/state/state_actor.hpp"
#include "worker/task_factory.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <set>

namespace ubaflow {

namespace {

struct task_manager_state {
  std::shared_ptr<const job_config> config;
  std::chrono::milliseconds heartbeat{1000};
  cluster_manager_actor coordinator; ///< set once joined
  uint32_t worker_id = 0;
  /// Told (join_atom) when the coordinator no longer counts this worker
  /// as a member (it declared it lost): the worker then rejoins.
  caf::actor listener;
  bool rejoin_asked = false;
  std::shared_ptr<trusted_nodes> trust;
  std::vector<caf::actor> tasks;
  std::map<std::string, caf::node_id> connected_peers; ///< by host:port
  std::vector<caf::typed_response_promise<ack_atom>> cancel_waiters;

  static inline const char* name = "ubaflow.task_manager";
};

using task_manager_self
  = task_manager_actor::stateful_base<task_manager_state>;

/// Counts a deployment with fields out of range and answers it.
caf::error invalid(task_manager_self* self, const std::string& problem) {
  refuse_invalid(self, problem);
  return caf::make_error(cluster_error::invalid_message, problem);
}

void host(task_manager_self* self, const caf::actor& task) {
  self->state.tasks.push_back(task);
  self->monitor(task);
}

void answer_cancel_waiters(task_manager_self* self) {
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
void connect_peers(task_manager_self* self, const peer_list& list,
                   caf::response_promise promise) {
  auto& st = self->state;
  std::vector<peer_address> missing;
  for (const auto& peer : list.peers)
    if (!st.connected_peers.count(peer.host + ":" + std::to_string(peer.port)))
      missing.push_back(peer);
  // The peers of this deployment, and only they, may send to its tasks.
  auto trust_peers = [self, list] {
    std::set<caf::node_id> nodes;
    for (const auto& peer : list.peers) {
      auto i = self->state.connected_peers.find(peer.host + ":"
                                                + std::to_string(peer.port));
      if (i != self->state.connected_peers.end())
        nodes.insert(i->second);
    }
    self->state.trust->set_members(std::move(nodes));
  };
  if (missing.empty()) {
    trust_peers();
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
          [helper, peer](join_atom) -> caf::result<caf::node_id> {
            auto found = connect_to(helper->system(), peer.host, peer.port);
            helper->quit();
            if (!found)
              return found.error();
            return found->node();
          },
        };
      });
    auto finish = [self, pending, failed, promise, trust_peers]() mutable {
      if (--*pending > 0)
        return;
      trust_peers();
      if (failed->empty())
        promise.deliver(ack_atom_v);
      else
        promise.deliver(
          caf::make_error(caf::sec::cannot_connect_to_node, *failed));
    };
    self->request(connector, std::chrono::seconds(15), join_atom_v)
      .then(
        [self, name, finish](caf::node_id& node) mutable {
          self->state.connected_peers[name] = node;
          finish();
        },
        [self, name, failed, finish](caf::error& err) mutable {
          *failed += "cannot reach peer " + name + ": "
                     + self->system().render(err) + "; ";
          finish();
        });
  }
}

task_manager_actor::behavior_type
task_manager_behavior(task_manager_self* self,
                      std::shared_ptr<const job_config> job,
                      int64_t heartbeat_ms) {
  self->state.config = std::move(job);
  self->state.heartbeat = std::chrono::milliseconds(heartbeat_ms);
  self->state.trust = std::make_shared<trusted_nodes>(self->node());
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& tasks = self->state.tasks;
    tasks.erase(std::remove_if(tasks.begin(), tasks.end(),
                               [&](const caf::actor& a) {
                                 return a.address() == msg.source;
                               }),
                tasks.end());
    answer_cancel_waiters(self);
  });
  auto trust = self->state.trust.get();
  // Deployments, cancellations and shutdowns come from the job master
  // only; an error answers anyone else.
  auto from_master = [self, trust](std::string_view what) {
    return admit(self, sender_class::master, trust, what);
  };
  auto refused = [] {
    return caf::make_error(cluster_error::wrong_sender,
                           "only the job master deploys and cancels tasks");
  };
  return {
    [self](join_atom, caf::actor& master, caf::actor& listener) {
      // From this worker's own join loop: the coordinator it is joining.
      if (!admit(self, sender_class::local, nullptr, "a new job master"))
        return;
      auto& st = self->state;
      st.trust->set_master(master.node());
      st.listener = std::move(listener);
    },
    [self, from_master](join_atom, uint32_t worker_id, caf::actor coordinator) {
      if (!from_master("a membership confirmation"))
        return;
      auto& st = self->state;
      const bool first = !st.coordinator;
      st.worker_id = worker_id;
      // It came untyped, across nodes, in this message.
      st.coordinator = caf::actor_cast<cluster_manager_actor>(coordinator);
      st.rejoin_asked = false;
      if (first)
        self->send(self, heartbeat_atom_v);
    },
    [self](heartbeat_atom) {
      if (!admit(self, sender_class::self, nullptr, "a heartbeat tick"))
        return;
      auto& st = self->state;
      if (st.coordinator) {
        const uint32_t id = st.worker_id;
        self->request(st.coordinator, 5 * st.heartbeat, heartbeat_atom_v, id)
          .then([](ack_atom) {},
                [self, id](const caf::error& err) {
                  auto& now = self->state;
                  // Only the coordinator's verdict counts; a timeout is
                  // what a paused or lost coordinator looks like.
                  if (err != cluster_error::not_a_member || now.worker_id != id
                      || now.rejoin_asked || !now.listener)
                    return;
                  now.rejoin_asked = true;
                  spdlog::warn("the coordinator no longer counts this worker "
                               "as a member (declared lost); rejoining");
                  send_untyped(self, now.listener, join_atom_v);
                });
      }
      self->delayed_send(self, st.heartbeat, heartbeat_atom_v);
    },
    [self, from_master, refused](const peer_list& peers) -> caf::result<ack_atom> {
      if (!from_master("a peer list"))
        return refused();
      if (peers.peers.size() > 4096)
        return caf::make_error(cluster_error::invalid_message,
                               "too many peers");
      auto promise = self->make_response_promise<ack_atom>();
      connect_peers(self, peers, promise);
      return promise;
    },
    // Deployments carry the job master's and the receivers' handles
    // untyped (wire types, common/protocol/task_interfaces.hpp); they are
    // cast to their interfaces here, where each task is spawned, and the
    // new task's handle goes back untyped.
    [self, from_master, refused](const sink_deployment& d)
      -> caf::result<std::vector<caf::actor>> {
      if (!from_master("a sink deployment"))
        return refused();
      if (auto problem = check_deployment(d))
        return invalid(self, *problem);
      auto& st = self->state;
      const auto& config = *st.config;
      std::vector<caf::actor> sinks;
      auto& sys = self->system();
      const auto master = caf::actor_cast<job_master_actor>(d.coordinator);
      auto add = [&](sink_actor sink) {
        sinks.push_back(caf::actor_cast<caf::actor>(std::move(sink)));
        host(self, sinks.back());
      };
      // The first output also mirrors rows to the coordinator (REST API),
      // but not a SQL job's row streams.
      const auto unmirrored = config.sql ? row_stream_indices(*config.sql)
                                         : std::set<std::string>{};
      if (config.ndjson_output)
        add(spawn_sink_actor(sys, make_ndjson_writer(config), d.producers,
                             1000, master, sinks.empty(), st.trust, unmirrored));
      if (config.es_output)
        add(spawn_sink_actor(sys, make_es_writer(config), d.producers,
                             config.es_flush_interval_ms, master,
                             sinks.empty(), st.trust, unmirrored));
      return sinks;
    },
    [self, from_master, refused](const combiner_deployment& d)
      -> caf::result<caf::actor> {
      if (!from_master("a combiner deployment"))
        return refused();
      const auto& config = *self->state.config;
      if (auto problem = check_deployment(d, config.key_groups))
        return invalid(self, *problem);
      auto state = make_combiner_logic(config, d.owner_ranges);
      if (!d.restore.empty() && !state->restore(d.restore.front()))
        return caf::make_error(cluster_error::incompatible_state,
                               "the checkpoint's UV combiner state does not "
                               "fit this job (key groups changed?)");
      auto combiner = caf::actor_cast<caf::actor>(spawn_combiner_actor(
        self->system(), std::move(state), d.owner_ranges.size(),
        typed_handles<sink_actor>(d.sinks),
        caf::actor_cast<job_master_actor>(d.coordinator), self->state.trust));
      host(self, combiner);
      return combiner;
    },
    [self, from_master, refused](const owner_deployment& d)
      -> caf::result<caf::actor> {
      if (!from_master("an owner deployment"))
        return refused();
      const auto& config = *self->state.config;
      if (auto problem = check_deployment(d, config.key_groups))
        return invalid(self, *problem);
      auto state = make_owner_logic(config, d.range, d.inputs);
      for (const auto& group : d.restore)
        if (!state->restore(group))
          return caf::make_error(cluster_error::incompatible_state,
                                 "cannot restore key group "
                                   + std::to_string(group.group)
                                   + " from the checkpoint");
      state->restore_watermark(d.restore_watermark);
      auto owner = caf::actor_cast<caf::actor>(spawn_state_actor(
        self->system(), d.index, std::move(state),
        typed_handles<sink_actor>(d.sinks),
        caf::actor_cast<combiner_actor>(d.combiner),
        caf::actor_cast<job_master_actor>(d.coordinator),
        config.category_interval_ms, config.key_groups, self->state.trust));
      host(self, owner);
      return owner;
    },
    [self, from_master, refused](const source_deployment& d)
      -> caf::result<caf::actor> {
      if (!from_master("a source deployment"))
        return refused();
      auto config = self->state.config;
      if (auto problem = check_deployment(d, config->key_groups))
        return invalid(self, *problem);
      source_actor_settings settings;
      settings.max_in_flight = config->max_in_flight;
      source_task_factory factory
        = [config, index = d.index, partitions = d.partitions,
           ranges = d.owner_ranges, restore = d.restore,
           from_beginning = d.from_beginning](std::string& why) {
            return make_source_task(*config, index, partitions, ranges, why,
                                    restore, from_beginning);
          };
      auto source = caf::actor_cast<caf::actor>(spawn_source_actor(
        self->system(), std::move(factory), d.index,
        typed_handles<owner_actor>(d.owners),
        caf::actor_cast<job_master_actor>(d.coordinator), settings,
        self->state.trust));
      host(self, source);
      return source;
    },
    [self, trust](status_atom) -> caf::result<uint64_t> {
      // For the worker's own /metrics.
      if (!admit(self, sender_class::master, trust, "a status request"))
        return caf::make_error(cluster_error::wrong_sender, "no status here");
      return static_cast<uint64_t>(self->state.tasks.size());
    },
    [self, from_master](shutdown_atom) -> caf::result<ack_atom> {
      // The job is over and the coordinator is going away.
      if (!from_master("a shutdown"))
        return caf::make_error(cluster_error::wrong_sender,
                               "only the job master shuts workers down");
      for (auto& task : self->state.tasks)
        self->send_exit(task, caf::exit_reason::user_shutdown);
      auto promise = self->make_response_promise<ack_atom>();
      promise.deliver(ack_atom_v); // before quitting, so it is sent
      self->quit();
      return promise;
    },
    [self, from_master](cancel_atom) -> caf::result<ack_atom> {
      if (!from_master("a cancellation"))
        return caf::make_error(cluster_error::wrong_sender,
                               "only the job master cancels tasks");
      auto& st = self->state;
      auto promise = self->make_response_promise<ack_atom>();
      st.cancel_waiters.push_back(promise);
      for (auto& task : st.tasks)
        self->send_exit(task, caf::exit_reason::user_shutdown);
      answer_cancel_waiters(self);
      return promise;
    },
  };
}

} // namespace

task_manager_actor spawn_task_manager(caf::actor_system& system,
                                      std::shared_ptr<const job_config> config,
                                      int64_t heartbeat_ms) {
  return system.spawn(task_manager_behavior, std::move(config), heartbeat_ms);
}

} // namespace ubaflow
