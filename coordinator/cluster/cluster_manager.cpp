#include "coordinator/cluster/cluster_manager.hpp"
#include "coordinator/cluster/manager_state.hpp"

#include "common/cluster/join_proof.hpp"
#include "common/cluster/trusted_nodes.hpp"
#include "common/protocol/errors.hpp"
#include "common/cluster/refusals.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/protocol/validation.hpp"
#include "common/util/clock.hpp"
#include "coordinator/cluster/assignment.hpp"
#include "coordinator/cluster/membership.hpp"
#include "coordinator/job_coordinator.hpp"
#include "coordinator/rest/result_store.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace ubaflow {

using namespace cluster_manager_detail;

namespace {


std::optional<std::string> check_credentials(manager_actor* self,
                                             const std::string& cluster_id,
                                             const std::string& name,
                                             const std::string& challenge,
                                             const std::string& proof) {
  auto& st = self->state;
  const auto& s = st.settings;
  if (cluster_id != s.cluster_id)
    return "wrong cluster id '" + cluster_id.substr(0, 64) + "' (this is '"
           + s.cluster_id + "')";
  // The challenge is used up whatever the proof: one guess per challenge.
  if (!st.challenges.redeem(challenge, steady_now_ms()))
    return std::string{"unknown or expired join challenge (a replayed "
                       "request?)"};
  if (s.secrets.empty()) // insecure: nothing to prove
    return proof.empty() ? std::nullopt
                         : std::optional<std::string>{"wrong cluster secret"};
  for (const auto& secret : s.secrets)
    if (proof_matches(join_proof(secret, s.cluster_id, name, challenge), proof))
      return std::nullopt;
  return std::string{"wrong cluster secret"};
}

/// What is wrong with the fields of a join request, if anything.
std::optional<std::string> check_join_fields(const join_request& req) {
  auto bad_text = [](const std::string& text, size_t max) {
    if (text.empty() || text.size() > max)
      return true;
    for (unsigned char c : text)
      if (c < 0x21 || c > 0x7e)
        return true;
    return false;
  };
  if (bad_text(req.worker_name, 128))
    return std::string{"a worker name has 1 to 128 printable characters"};
  if (!req.task_manager)
    return std::nullopt; // asking for the settings only
  if (bad_text(req.host, 255))
    return std::string{"a worker's host has 1 to 255 printable characters"};
  if (req.port == 0)
    return std::string{"a worker's data port cannot be 0"};
  if (req.slots < 1 || req.slots > 256)
    return std::string{"a worker has 1 to 256 slots"};
  return std::nullopt;
}

/// True if the message being handled comes from the node of `actor`.
template <class Handle>
bool from_node_of(manager_actor* self, const Handle& actor) {
  const auto& sender = self->current_sender();
  return sender && actor && sender->node() == actor.node();
}

caf::result<std::string> take_savepoint(manager_actor* self) {
  auto& st = self->state;
  if (!st.attempt)
    return caf::make_error(cluster_error::not_running, "the job is not running");
  auto promise = self->make_response_promise<std::string>();
  self->request(st.attempt, std::chrono::minutes(10), savepoint_atom_v)
    .then([promise](std::string& path) mutable { promise.deliver(path); },
          [promise](caf::error& err) mutable { promise.deliver(err); });
  return promise;
}

/// Makes the task manager of this process a member (`ubaflow run`): it
/// needs no credentials, and its liveness is its actor's, so it is exempt
/// from the heartbeat timeout.
void join_local(manager_actor* self, const task_manager_actor& task_manager,
                uint32_t slots) {
  auto& st = self->state;
  worker_record record;
  record.name = "local";
  record.host = "127.0.0.1";
  record.port = 0;
  record.slots = slots;
  record.task_manager = task_manager;
  record.local = true;
  uint32_t replaced = 0;
  const uint32_t id = st.workers.join(std::move(record), steady_now_ms(),
                                      replaced);
  self->monitor(task_manager);
  // Untyped: the task manager keeps it to send heartbeats to, as a
  // remote one does (its handle crosses nodes in this message).
  self->send(task_manager, join_atom_v, id,
             caf::actor_cast<caf::actor>(self));
  execute(self, st.lifecycle.workers_changed(st.workers.size(),
                                             "the local task manager joined"));
}

cluster_manager_actor::behavior_type
manager_behavior(manager_actor* self, std::shared_ptr<const job_config> config,
                 cluster_settings settings, caf::actor listener) {
  auto& setup = self->state;
  setup.config = std::move(config);
  setup.settings = std::move(settings);
  setup.listener = std::move(listener);
  setup.started_ms = wall_now_ms();
  lifecycle_limits limits;
  limits.min_workers = setup.settings.min_workers;
  limits.max_task_failures = setup.settings.max_task_failures;
  limits.key_groups = setup.config->key_groups;
  limits.checkpoints = setup.settings.checkpoints != nullptr;
  limits.stop_savepoint = setup.settings.stop_savepoint_timeout_ms > 0;
  setup.lifecycle = job_lifecycle{limits, setup.settings.owners,
                                  setup.settings.restore_path,
                                  setup.settings.first_checkpoint_id};
  setup.initial_partitions = setup.settings.partition_count;
  if (setup.settings.partition_discovery_interval_ms > 0
      && setup.settings.count_partitions)
    self->delayed_send(self,
                       std::chrono::milliseconds(
                         setup.settings.partition_discovery_interval_ms),
                       tick_atom_v, rescale_atom_v);
  self->send(self, tick_atom_v);
  if (auto local = setup.settings.local_task_manager)
    join_local(self, local, setup.settings.local_slots);
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& st = self->state;
    if (st.attempt && msg.source == st.attempt.address()) {
      st.attempt = nullptr;
      if (!msg.reason || msg.reason == caf::exit_reason::user_shutdown) {
        // Finished or stopped: done_atom carried the final status.
        execute(self, st.lifecycle.attempt_ended(attempt_end::completed, {}));
        return;
      }
      // A lost worker shows up here first, as an unreachable task.
      const auto how = msg.reason == caf::exit_reason::remote_link_unreachable
                         ? attempt_end::unreachable
                         : attempt_end::task_failed;
      execute(self,
              st.lifecycle.attempt_ended(how,
                                         self->system().render(msg.reason)),
              msg.reason);
      return;
    }
    const auto* w = st.workers.find_by_task_manager(msg.source);
    if (!w)
      return;
    if (st.lifecycle.phase() == job_phase::finished) {
      st.shutdown_pending.erase(w->id); // it shut down as asked
      quit_when_workers_gone(self);
      return;
    }
    lose_worker(self, w->id, "connection closed");
  });
  return {
    [self](challenge_atom) {
      // Anyone may ask; what it costs is bounded by the challenge book.
      return self->state.challenges.issue(steady_now_ms());
    },
    [self](join_request& req) -> caf::result<join_reply> {
      auto& st = self->state;
      if (auto problem = check_credentials(self, req.cluster_id,
                                           req.worker_name, req.challenge,
                                           req.proof)) {
        count_refusal("bad_credentials", describe_sender(self),
                      "worker '" + req.worker_name.substr(0, 128)
                        + "' refused: " + *problem);
        return caf::make_error(cluster_error::bad_credentials, *problem);
      }
      if (req.protocol != cluster_protocol_version) {
        auto problem = "worker '" + req.worker_name.substr(0, 128)
                       + "' speaks cluster protocol "
                       + std::to_string(req.protocol) + ", this coordinator "
                       + std::to_string(cluster_protocol_version)
                       + ": run the same ubaflow version on every node";
        count_refusal("protocol_mismatch", describe_sender(self), problem);
        return caf::make_error(cluster_error::protocol_mismatch, problem);
      }
      if (auto problem = check_join_fields(req)) {
        refuse_invalid(self, *problem);
        return caf::make_error(cluster_error::invalid_message, *problem);
      }
      if (req.task_manager && !from_node_of(self, req.task_manager)) {
        refuse_sender(self, "a join for a task manager on another node");
        return caf::make_error(cluster_error::wrong_sender,
                               "a worker joins with its own task manager");
      }
      if (!req.task_manager)
        return join_reply{0, st.settings.job_settings,
                          st.settings.heartbeat_interval_ms};
      // The task manager's handle crossed the network untyped (in
      // join_request); from here on it is held as what it is.
      auto task_manager = caf::actor_cast<task_manager_actor>(req.task_manager);
      worker_record record;
      record.name = req.worker_name;
      record.host = req.host;
      record.port = req.port;
      record.slots = req.slots;
      record.task_manager = task_manager;
      uint32_t replaced = 0;
      const uint32_t id = st.workers.join(std::move(record), steady_now_ms(),
                                          replaced);
      self->monitor(task_manager);
      // Untyped: the task manager keeps the coordinator's handle to send
      // heartbeats to, and it crosses nodes in this message.
      self->send(task_manager, join_atom_v, id,
                 caf::actor_cast<caf::actor>(self));
      spdlog::info("worker {} joined from {}:{} with {} slot(s); {} "
                   "worker(s) now",
                   req.worker_name, req.host, req.port, req.slots,
                   st.workers.size());
      execute(self, st.lifecycle.workers_changed(
                      st.workers.size(),
                      "worker " + req.worker_name
                        + (replaced ? " rejoined" : " joined")));
      return join_reply{id, {}, st.settings.heartbeat_interval_ms};
    },
    [self](heartbeat_atom, uint32_t id) -> caf::result<ack_atom> {
      auto& st = self->state;
      const auto* w = st.workers.find(id);
      if (!w)
        // Declared lost (or never joined): the worker rejoins on this.
        return caf::make_error(cluster_error::not_a_member,
                               "worker #" + std::to_string(id)
                                 + " is not a member of the cluster; rejoin");
      if (!from_node_of(self, w->task_manager)) {
        refuse_sender(self, "a heartbeat for another worker");
        return caf::make_error(cluster_error::wrong_sender,
                               "a heartbeat for another worker");
      }
      st.workers.heartbeat(id, steady_now_ms());
      return ack_atom_v;
    },
    [self](tick_atom) {
      if (!admit(self, sender_class::self, nullptr, "a liveness tick"))
        return;
      auto& st = self->state;
      for (auto id : st.workers.expired(steady_now_ms(),
                                        st.settings.worker_timeout_ms))
        lose_worker(self, id, "no heartbeat for "
                                + std::to_string(st.settings.worker_timeout_ms)
                                + " ms");
      self->delayed_send(self,
                         std::chrono::milliseconds(
                           st.settings.heartbeat_interval_ms),
                         tick_atom_v);
    },
    [self](tick_atom, rescale_atom) {
      // Partition discovery: ask Kafka off this actor's thread (the
      // metadata request blocks), redeploy when the topic has grown.
      if (!admit(self, sender_class::self, nullptr, "a discovery tick"))
        return;
      auto& st = self->state;
      auto count = st.settings.count_partitions;
      auto helper = self->spawn<caf::detached>(
        [count](caf::event_based_actor* h) -> caf::behavior {
          return {[h, count](tick_atom) -> caf::result<int32_t> {
            std::string error;
            const int32_t n = count(error);
            h->quit();
            if (n <= 0)
              return caf::make_error(caf::sec::runtime_error, error);
            return n;
          }};
        });
      self->request(helper, std::chrono::seconds(30), tick_atom_v)
        .then(
          [self](int32_t n) {
            auto& now = self->state;
            if (n > now.settings.partition_count
                && now.lifecycle.phase() != job_phase::finished) {
              spdlog::info("the topic grew from {} to {} partitions; the new "
                           "ones are read from their beginning",
                           now.settings.partition_count, n);
              now.settings.partition_count = n;
              execute(self, now.lifecycle.redeploy(
                              "the topic has " + std::to_string(n)
                              + " partitions now"));
            }
          },
          [](const caf::error&) {
            // Kafka unreachable: the sources say so; try at the next tick.
          });
      if (st.lifecycle.phase() != job_phase::finished)
        self->delayed_send(self,
                           std::chrono::milliseconds(
                             st.settings.partition_discovery_interval_ms),
                           tick_atom_v, rescale_atom_v);
    },
    [self](tick_atom, start_atom) {
      if (!admit(self, sender_class::self, nullptr, "a restart tick"))
        return;
      auto& st = self->state;
      execute(self, st.lifecycle.restart_delay_elapsed(st.workers.size()));
    },
    [self](stop_atom, uint32_t worker_id) -> caf::result<ack_atom> {
      // A worker leaves gracefully (SIGTERM): redeploy without it first.
      auto& st = self->state;
      const auto* w = st.workers.find(worker_id);
      if (!w)
        return ack_atom_v;
      if (!from_node_of(self, w->task_manager)) {
        refuse_sender(self, "a leave request for another worker");
        return caf::make_error(cluster_error::wrong_sender,
                               "a worker leaves for itself only");
      }
      spdlog::info("worker {} is leaving; handing its work to the others",
                   w->name);
      self->demonitor(w->task_manager.address());
      const std::string name = w->name;
      st.workers.remove(worker_id);
      execute(self, st.lifecycle.workers_changed(st.workers.size(),
                                                 "worker " + name + " left"));
      return ack_atom_v;
    },
    [self](done_atom, job_status& status) {
      if (!admit(self, sender_class::local, nullptr, "a job's final status"))
        return;
      self->state.last_status = std::move(status);
    },
    [self](checkpoint_atom, checkpoint_stats& stats) {
      // From the running attempt's checkpoint coordinator.
      if (!admit(self, sender_class::local, nullptr, "checkpoint statistics"))
        return;
      auto& st = self->state;
      if (!stats.last_path.empty()
          && !(st.settings.checkpoints
               && st.settings.checkpoints->holds(stats.last_path))) {
        refuse_invalid(self, "a checkpoint outside checkpoint.dir");
        return;
      }
      st.lifecycle.checkpoint_reported(stats);
      const auto restored_id = st.checkpoints.restored_id;
      const auto restored_path = st.checkpoints.restored_path;
      st.checkpoints = std::move(stats);
      if (st.checkpoints.restored_id == 0) {
        st.checkpoints.restored_id = restored_id;
        st.checkpoints.restored_path = restored_path;
      }
    },
    [self](savepoint_atom) -> caf::result<std::string> {
      if (!admit(self, sender_class::local, nullptr, "a savepoint request"))
        return caf::make_error(cluster_error::wrong_sender,
                               "savepoints need the cluster secret");
      return take_savepoint(self);
    },
    [self](results_atom, const std::vector<result_row>& rows) {
      if (!admit(self, sender_class::local, nullptr, "result rows"))
        return;
      if (auto problem = check_rows(rows)) {
        refuse_invalid(self, *problem);
        return;
      }
      self->state.results.add(rows);
    },
    [self](results_atom) -> caf::result<std::vector<result_row>> {
      if (!admit(self, sender_class::local, nullptr, "a results request"))
        return caf::make_error(cluster_error::wrong_sender, "local only");
      return self->state.results.rows();
    },
    [self](rescale_atom, uint32_t owners) -> caf::result<std::string> {
      if (!admit(self, sender_class::local, nullptr, "a rescale request"))
        return caf::make_error(cluster_error::wrong_sender,
                               "rescaling goes through the REST API");
      auto& st = self->state;
      auto decision = st.lifecycle.rescale_requested(owners);
      if (decision.refusal)
        return caf::make_error(*decision.refusal, decision.message);
      if (decision.commands.empty()
          || !std::holds_alternative<lifecycle_command::savepoint_for_rescale>(
            decision.commands.front())) {
        execute(self, std::move(decision.commands));
        return decision.message;
      }
      auto promise = self->make_response_promise<std::string>();
      auto apply = [self, owners, promise](std::string path) mutable {
        auto ended = self->state.lifecycle.rescale_savepoint_ended(owners,
                                                                   path);
        if (ended.refusal) {
          promise.deliver(caf::make_error(*ended.refusal, ended.message));
          return;
        }
        execute(self, std::move(ended.commands));
        promise.deliver(ended.message);
      };
      self->request(st.attempt, std::chrono::minutes(10), savepoint_atom_v)
        .then(
          [self, apply](std::string& path) mutable {
            const auto& store = self->state.settings.checkpoints;
            apply(store && store->holds(path) ? path : std::string{});
          },
          [apply](caf::error&) mutable { apply({}); });
      return promise;
    },
    [self](const savepoint_request& req) -> caf::result<std::string> {
      if (auto problem = check_credentials(self, req.cluster_id,
                                           req.client_name, req.challenge,
                                           req.proof)) {
        count_refusal("bad_credentials", describe_sender(self),
                      "a savepoint request from '"
                        + req.client_name.substr(0, 128)
                        + "' refused: " + *problem);
        return caf::make_error(cluster_error::bad_credentials, *problem);
      }
      spdlog::info("savepoint requested by '{}'",
                   req.client_name.substr(0, 128));
      return take_savepoint(self);
    },
    [self](drain_atom) {
      if (!admit(self, sender_class::local, nullptr, "a drain request"))
        return;
      execute(self, self->state.lifecycle.drain_requested());
    },
    [self](stop_atom) {
      if (!admit(self, sender_class::local, nullptr, "a stop request"))
        return;
      execute(self, self->state.lifecycle.stop_requested());
    },
    [self](status_atom) -> caf::result<job_status> {
      if (!admit(self, sender_class::local, nullptr, "a status request"))
        return caf::make_error(cluster_error::wrong_sender,
                               "the status is served by the REST API");
      auto& st = self->state;
      auto decorate = [self](job_status& s) {
        s.attempt = self->state.lifecycle.attempt();
        s.workers = describe_workers(self->state.workers);
        s.worker_details = summarize_workers(self->state.workers);
        s.failures = self->state.failures;
        s.placement = self->state.placement;
        s.started_ms = self->state.started_ms; // the job's, not the attempt's
        if (s.checkpoints.completed == 0 && s.checkpoints.failed == 0)
          s.checkpoints = self->state.checkpoints;
      };
      if (st.lifecycle.phase() == job_phase::finished && st.last_status)
        return *st.last_status;
      if (!st.attempt) {
        job_status s;
        s.name = st.config->name;
        s.state = st.lifecycle.phase() == job_phase::waiting
                    ? "waiting for workers"
                    : "restarting";
        s.started_ms = st.started_ms;
        decorate(s);
        return s;
      }
      auto promise = self->make_response_promise<job_status>();
      self->request(st.attempt, std::chrono::seconds(5), status_atom_v)
        .then(
          [promise, decorate](job_status& s) mutable {
            decorate(s);
            promise.deliver(std::move(s));
          },
          [promise](caf::error& err) mutable { promise.deliver(err); });
      return promise;
    },
  };
}

} // namespace

cluster_manager_actor
spawn_cluster_manager(caf::actor_system& system,
                      std::shared_ptr<const job_config> config,
                      cluster_settings settings, caf::actor listener) {
  return system.spawn(manager_behavior, std::move(config),
                      std::move(settings), std::move(listener));
}

} // namespace ubaflow
