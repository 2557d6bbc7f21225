#include "coordinator/cluster/manager_state.hpp"

#include "common/protocol/type_ids.hpp"
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
  if (st.state == phase::finished && st.shutdown_pending.empty())
    self->quit(std::move(st.final_reason));
}

void finish_job(manager_actor* self, job_status status, caf::error reason) {
  auto& st = self->state;
  st.state = phase::finished;
  st.final_reason = std::move(reason);
  status.attempt = st.attempt_number;
  status.workers = describe_workers(st.workers);
  status.worker_details = summarize_workers(st.workers);
  status.failures = st.failures;
  status.ended_ms = wall_now_ms();
  status.started_ms = st.started_ms;
  st.last_status = status;
  if (st.listener)
    self->send(st.listener, done_atom_v, std::move(status));
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
/// still present, and starts the next attempt after the restart delay.
void restart(manager_actor* self, std::string reason) {
  auto& st = self->state;
  if (st.state == phase::finished || st.state == phase::restarting)
    return;
  if (st.state == phase::waiting && !st.attempt) {
    start_attempt(self); // nothing runs yet: just (re)consider starting
    return;
  }
  spdlog::warn("restarting the job: {}", reason);
  st.failures.push_back({wall_now_ms(), st.attempt_number, reason, {}});
  if (st.failures.size() > 100)
    st.failures.erase(st.failures.begin());
  st.state = phase::restarting;
  if (st.attempt) {
    self->demonitor(st.attempt);
    self->send_exit(st.attempt, caf::exit_reason::user_shutdown);
    st.attempt = nullptr;
  }
  std::vector<caf::actor> present;
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

/// What the next attempt checkpoints with and restores from.
std::optional<attempt_checkpointing> checkpointing_for(manager_actor* self,
                                                       std::string& error) {
  auto& st = self->state;
  attempt_checkpointing c;
  if (!st.settings.checkpoints)
    return c;
  c.store = st.settings.checkpoints;
  c.interval_ms = st.settings.checkpoint_interval_ms;
  c.timeout_ms = st.settings.checkpoint_timeout_ms;
  c.next_id = st.next_checkpoint_id;
  c.stats = st.checkpoints;
  if (!st.restore_path.empty()) {
    if (st.loaded_path != st.restore_path) {
      auto data = load_restore_point(*st.settings.checkpoints,
                                     st.restore_path, error);
      if (!data)
        return std::nullopt;
      st.restore = std::make_shared<const checkpoint_data>(std::move(*data));
      st.loaded_path = st.restore_path;
    }
    c.restore = st.restore;
    c.restore_path = st.restore_path;
    c.stats.restored_id = st.restore->id;
    c.stats.restored_path = st.restore_path;
  }
  return c;
}

void start_attempt(manager_actor* self) {
  auto& st = self->state;
  if (st.state == phase::finished)
    return;
  // min_workers gates the first deployment only: after a loss the job
  // goes on with the workers it has.
  const size_t needed = st.attempt_number == 0 ? st.settings.min_workers : 1;
  if (st.workers.size() < needed) {
    spdlog::info("waiting for workers: {} of {} present", st.workers.size(),
                 needed);
    st.state = phase::waiting;
    return;
  }
  std::vector<std::pair<uint32_t, uint32_t>> ids;
  std::vector<caf::actor> task_managers;
  peer_list peers;
  for (const auto* w : st.workers.workers()) {
    ids.emplace_back(w->id, w->slots);
    task_managers.push_back(w->task_manager);
    peers.peers.push_back({w->host, w->port});
  }
  auto shares = assign_work(ids, st.settings.partition_count,
                            st.config->key_groups, st.partition_owners,
                            st.owners);
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
  auto checkpointing = checkpointing_for(self, error);
  if (!checkpointing) {
    spdlog::error("cannot restore the job: {}", error);
    job_status status;
    status.name = st.config->name;
    status.state = "failed";
    finish_job(self, std::move(status),
               caf::make_error(caf::sec::runtime_error, error));
    return;
  }
  if (checkpointing->restore)
    spdlog::info("attempt {} restores {} {} ({})", st.attempt_number + 1,
                 checkpointing->restore->savepoint ? "savepoint"
                                                   : "checkpoint",
                 checkpointing->restore->id, checkpointing->restore_path);
  st.state = phase::running;
  ++st.attempt_number;
  const uint32_t attempt = st.attempt_number;
  spdlog::info("attempt {}: deploying on {} worker(s)", attempt,
               task_managers.size());
  // Every worker connects to every other first, so that partials travel
  // worker to worker instead of through this process.
  auto pending = std::make_shared<size_t>(task_managers.size());
  auto deploy = [self, attempt, plan, task_managers,
                 checkpointing = std::move(*checkpointing)]() {
    auto& now = self->state;
    if (now.attempt_number != attempt || now.state != phase::running)
      return; // superseded while connecting
    now.attempt = spawn_job_coordinator(self->system(), now.config, plan,
                                        task_managers,
                                        caf::actor_cast<caf::actor>(self),
                                        checkpointing);
    self->monitor(now.attempt);
    if (now.draining)
      self->send(now.attempt, drain_atom_v);
  };
  for (size_t i = 0; i < task_managers.size(); ++i) {
    // Each worker connects to the others, not to itself.
    peer_list others;
    for (size_t j = 0; j < peers.peers.size(); ++j)
      if (j != i)
        others.peers.push_back(peers.peers[j]);
    self->request(task_managers[i], std::chrono::seconds(30), others)
      .then(
        [pending, deploy](ack_atom) {
          if (--*pending == 0)
            deploy();
        },
        [self, attempt](caf::error& err) {
          if (self->state.attempt_number == attempt)
            restart(self, "a worker cannot reach its peers: "
                            + self->system().render(err));
        });
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
  restart(self, "worker " + name + " lost");
}

} // namespace ubaflow::cluster_manager_detail
