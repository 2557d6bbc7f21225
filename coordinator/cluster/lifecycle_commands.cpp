#include "coordinator/cluster/manager_state.hpp"

#include "common/protocol/type_ids.hpp"
#include "common/protocol/untyped_send.hpp"
#include "common/util/clock.hpp"
#include "coordinator/checkpoint/restore_point.hpp"
#include "coordinator/cluster/assignment.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace ubaflow::cluster_manager_detail {

std::vector<worker_summary> summarize_workers(const membership& m) {
  // Heartbeats are on the steady clock; the API speaks wall clock.
  const int64_t offset = wall_now_ms() - steady_now_ms();
  std::vector<worker_summary> out;
  for (const auto* w : m.workers())
    out.push_back({w->id, w->name, w->host, w->port, w->slots,
                   w->joined_ms + offset, w->last_heartbeat_ms + offset});
  return out;
}

std::vector<std::string> describe_workers(const membership& m) {
  std::vector<std::string> out;
  for (const auto* w : m.workers())
    out.push_back(w->name + " (" + w->host + ":" + std::to_string(w->port)
                  + ", " + std::to_string(w->slots) + " slot"
                  + (w->slots == 1 ? "" : "s") + ")");
  return out;
}

/// Quits once every worker has confirmed the shutdown or gone away.
void quit_when_workers_gone(manager_actor* self) {
  auto& st = self->state;
  if (st.lifecycle.phase() == job_phase::finished
      && st.shutdown_pending.empty())
    self->quit(std::move(st.final_reason));
}

namespace {

/// Ends the job: tells the listener, shuts the workers down.
void finish_job(manager_actor* self, const lifecycle_command::finish& cmd,
                caf::error reason) {
  auto& st = self->state;
  st.deploying.reset();
  if (cmd.failed)
    spdlog::error("{}", cmd.reason);
  if (!reason && !cmd.reason.empty())
    reason = caf::make_error(caf::sec::runtime_error, cmd.reason);
  st.final_reason = std::move(reason);
  auto status = st.last_status.value_or(job_status{});
  if (status.name.empty())
    status.name = st.config->name;
  if (cmd.failed)
    status.state = "failed";
  status.attempt = st.lifecycle.attempt();
  status.workers = describe_workers(st.workers);
  status.worker_details = summarize_workers(st.workers);
  status.failures = st.failures;
  status.ended_ms = wall_now_ms();
  status.started_ms = st.started_ms;
  st.last_status = status;
  if (st.listener)
    send_untyped(self, st.listener, done_atom_v, std::move(status));
  // Wait for the workers to confirm: a message still in this process's
  // buffers when it exits would leave them reconnecting forever.
  for (const auto* w : st.workers.workers()) {
    const uint32_t id = w->id;
    st.shutdown_pending.insert(id);
    auto confirmed = [self, id] {
      self->state.shutdown_pending.erase(id);
      quit_when_workers_gone(self);
    };
    self->request(w->task_manager, std::chrono::seconds(2), shutdown_atom_v)
      .then([confirmed](ack_atom) { confirmed(); },
            [confirmed](const caf::error&) { confirmed(); });
  }
  quit_when_workers_gone(self);
}

/// Ends the running attempt (if any), cancels every task on the workers
/// still present, and comes back after the restart delay.
void cancel_running(manager_actor* self,
                    const lifecycle_command::cancel_attempt& cmd) {
  auto& st = self->state;
  spdlog::warn("restarting the job: {}", cmd.reason);
  st.deploying.reset();
  st.failures.push_back({wall_now_ms(), st.lifecycle.attempt(), cmd.reason,
                         {}});
  if (st.failures.size() > 100)
    st.failures.erase(st.failures.begin());
  if (st.attempt) {
    self->demonitor(st.attempt.address());
    self->send_exit(st.attempt, caf::exit_reason::user_shutdown);
    st.attempt = nullptr;
  }
  std::vector<task_manager_actor> present;
  for (const auto* w : st.workers.workers())
    present.push_back(w->task_manager);
  auto pending = std::make_shared<size_t>(present.size());
  auto resume = [self] {
    self->delayed_send(self,
                       std::chrono::milliseconds(
                         self->state.settings.restart_delay_ms),
                       tick_atom_v, start_atom_v);
  };
  if (present.empty()) {
    resume();
    return;
  }
  for (auto& tm : present)
    self->request(tm, std::chrono::seconds(30), cancel_atom_v)
      .then([pending, resume](ack_atom) { if (--*pending == 0) resume(); },
            [pending, resume](const caf::error&) {
              if (--*pending == 0)
                resume();
            });
}

/// What attempt `cmd` checkpoints with and restores from.
std::optional<attempt_checkpointing>
checkpointing_for(manager_actor* self, const lifecycle_command::deploy& cmd,
                  std::string& error) {
  auto& st = self->state;
  attempt_checkpointing c;
  if (!st.settings.checkpoints)
    return c;
  c.store = st.settings.checkpoints;
  c.interval_ms = st.settings.checkpoint_interval_ms;
  c.timeout_ms = st.settings.checkpoint_timeout_ms;
  c.next_id = cmd.next_checkpoint_id;
  c.stats = st.checkpoints;
  if (!cmd.restore_path.empty()) {
    std::string path = cmd.restore_path;
    if (st.loaded_path != path) {
      auto data = load_restore_point(*st.settings.checkpoints, path, error);
      if (!data)
        return std::nullopt;
      if (path != cmd.restore_path) // fell forward past a pruned one
        st.lifecycle.restore_point_moved(path);
      st.restore = std::make_shared<const checkpoint_data>(std::move(*data));
      st.loaded_path = path;
    }
    c.restore = st.restore;
    c.restore_path = path;
    c.stats.restored_id = st.restore->id;
    c.stats.restored_path = path;
  }
  return c;
}

/// Places attempt `cmd` on the workers present and has every worker
/// connect to the others, so that partials travel worker to worker instead
/// of through this process; the job master is spawned once all have.
void place_attempt(manager_actor* self, const lifecycle_command::deploy& cmd) {
  auto& st = self->state;
  std::vector<std::pair<uint32_t, uint32_t>> ids;
  std::vector<task_manager_actor> task_managers;
  peer_list peers;
  for (const auto* w : st.workers.workers()) {
    ids.emplace_back(w->id, w->slots);
    task_managers.push_back(w->task_manager);
    peers.peers.push_back({w->host, w->port});
  }
  auto shares = assign_work(ids, st.settings.partition_count,
                            st.config->key_groups, st.partition_owners,
                            cmd.owners);
  st.partition_owners = partition_owners(shares);
  auto plan = make_cluster_plan(shares, st.config->key_groups,
                                st.settings.sources_per_worker);
  for (int32_t p = st.initial_partitions; p < st.settings.partition_count; ++p)
    plan.from_beginning.push_back(p);
  auto worker_at = [&](const std::vector<uint32_t>& placement, size_t i) {
    const size_t where = i < placement.size() ? placement[i] : i;
    return ids[where % ids.size()].first;
  };
  st.placement = task_placement{};
  for (size_t i = 0; i < plan.source_partitions.size(); ++i)
    st.placement.sources.push_back(worker_at(plan.source_placement, i));
  for (size_t i = 0; i < plan.owner_ranges.size(); ++i)
    st.placement.owners.push_back(worker_at(plan.owner_placement, i));
  st.placement.sinks = ids.front().first;
  std::string error;
  auto checkpointing = checkpointing_for(self, cmd, error);
  if (!checkpointing) {
    execute(self, st.lifecycle.restore_failed(error));
    return;
  }
  if (checkpointing->restore)
    spdlog::info("attempt {} restores {} {} ({})", cmd.attempt,
                 checkpointing->restore->savepoint ? "savepoint"
                                                   : "checkpoint",
                 checkpointing->restore->id, checkpointing->restore_path);
  spdlog::info("attempt {}: deploying on {} worker(s)", cmd.attempt,
               task_managers.size());
  st.deploying = pending_attempt{std::move(plan), task_managers,
                                 std::move(*checkpointing)};
  auto pending = std::make_shared<size_t>(task_managers.size());
  const uint32_t attempt = cmd.attempt;
  for (size_t i = 0; i < task_managers.size(); ++i) {
    // Each worker connects to the others, not to itself.
    peer_list others;
    for (size_t j = 0; j < peers.peers.size(); ++j)
      if (j != i)
        others.peers.push_back(peers.peers[j]);
    self->request(task_managers[i], std::chrono::seconds(30), others)
      .then(
        [self, pending, attempt](ack_atom) {
          if (--*pending == 0)
            execute(self, self->state.lifecycle.peers_connected(attempt));
        },
        [self, attempt](caf::error& err) {
          execute(self, self->state.lifecycle.peers_unreachable(
                          attempt, self->system().render(err)));
        });
  }
}

/// Spawns the job master of the attempt whose workers are connected.
void launch_attempt(manager_actor* self,
                    const lifecycle_command::launch& cmd) {
  auto& st = self->state;
  if (!st.deploying)
    return;
  auto next = std::move(*st.deploying);
  st.deploying.reset();
  // This manager is the attempt's listener (its interface includes it).
  st.attempt = spawn_job_coordinator(self->system(), st.config,
                                     std::move(next.plan),
                                     std::move(next.task_managers),
                                     job_listener_actor{self},
                                     std::move(next.checkpointing));
  self->monitor(st.attempt);
  if (cmd.drain)
    self->send(st.attempt, drain_atom_v);
}

/// Stops the running attempt, after a savepoint if asked: the next start
/// restores it (checkpoint.restore=latest).
void stop_running(manager_actor* self,
                  const lifecycle_command::stop_attempt& cmd) {
  auto& st = self->state;
  if (!st.attempt)
    return;
  if (!cmd.savepoint_first) {
    self->send(st.attempt, stop_atom_v);
    return;
  }
  spdlog::info("stopping: savepoint first (at most {} ms)",
               st.settings.stop_savepoint_timeout_ms);
  auto attempt = st.attempt;
  self->request(attempt, std::chrono::milliseconds(
                           st.settings.stop_savepoint_timeout_ms),
                savepoint_atom_v)
    .then(
      [self, attempt](std::string& path) {
        spdlog::info("stopping: savepoint {} written; the next start "
                     "restores it", path);
        self->send(attempt, stop_atom_v);
      },
      [self, attempt](caf::error& err) {
        spdlog::warn("stopping without a savepoint ({}); the next start "
                     "restores the latest checkpoint",
                     self->system().render(err));
        self->send(attempt, stop_atom_v);
      });
}

} // namespace

namespace {

/// Carries out one command (std::visit picks the overload).
struct command_runner {
  manager_actor* self;
  caf::error& reason;

  void operator()(const lifecycle_command::deploy& c) { place_attempt(self, c); }
  void operator()(const lifecycle_command::launch& c) {
    launch_attempt(self, c);
  }
  void operator()(const lifecycle_command::cancel_attempt& c) {
    cancel_running(self, c);
  }
  void operator()(const lifecycle_command::drain_attempt&) {
    if (self->state.attempt)
      self->send(self->state.attempt, drain_atom_v);
  }
  void operator()(const lifecycle_command::stop_attempt& c) {
    stop_running(self, c);
  }
  void operator()(const lifecycle_command::savepoint_for_rescale&) {
    // Carried out by the rescale handler, which holds the promise it
    // answers.
  }
  void operator()(const lifecycle_command::finish& c) {
    finish_job(self, c, std::move(reason));
  }
};

} // namespace

void execute(manager_actor* self, job_commands commands, caf::error reason) {
  for (const auto& command : commands)
    std::visit(command_runner{self, reason}, command);
  auto& st = self->state;
  if (st.lifecycle.phase() != job_phase::waiting) {
    st.waiting_logged_for.reset();
    return;
  }
  if (st.waiting_logged_for != st.workers.size()) {
    st.waiting_logged_for = st.workers.size();
    spdlog::info("waiting for workers: {} present", st.workers.size());
  }
}

void lose_worker(manager_actor* self, uint32_t id, const std::string& why) {
  auto& st = self->state;
  const auto* w = st.workers.find(id);
  if (!w)
    return;
  spdlog::warn("worker {} lost: {}", w->name, why);
  const std::string name = w->name;
  st.workers.remove(id);
  execute(self, st.lifecycle.workers_changed(st.workers.size(),
                                             "worker " + name + " lost"));
}

} // namespace ubaflow::cluster_manager_detail
