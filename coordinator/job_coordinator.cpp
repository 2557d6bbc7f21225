#include "coordinator/job_coordinator.hpp"

#include "coordinator/checkpoint/checkpoint_coordinator.hpp"
#include "coordinator/checkpoint/state_layout.hpp"
#include "common/cluster/trusted_nodes.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/protocol/task_interfaces.hpp"
#include "common/protocol/validation.hpp"
#include "common/sql/exec/sql_job.hpp"
#include "common/util/clock.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace ubaflow {

namespace {

struct coordinator_state {
  std::shared_ptr<const job_config> config;
  job_plan plan;
  std::vector<sink_actor> sinks;
  combiner_actor combiner;
  std::vector<owner_actor> owners;
  std::vector<source_actor> sources;
  /// The sources' last figures, asked for as a stop ends them: the closing
  /// summary reports what was read.
  std::vector<source_status> stopped_sources;
  std::vector<task_manager_actor> task_managers; ///< where the tasks run
  attempt_progress progress; ///< its phase and what comes next
  int64_t started_ms = 0;
  job_listener_actor listener;
  attempt_checkpointing checkpointing;
  results_actor results;   ///< where mirrored result rows go
  /// Once running, if checkpoints are enabled.
  checkpoint_coordinator_actor checkpointer;
  /// This node and the task managers' nodes: where tasks report from.
  std::shared_ptr<trusted_nodes> trust;

  static inline const char* name = "ubaflow.coordinator";
};

using coordinator_actor = job_master_actor::stateful_base<coordinator_state>;

/// True if the message being handled comes from one of `tasks`; counts a
/// refusal otherwise.
template <class Handle>
bool from_one_of(coordinator_actor* self, const std::vector<Handle>& tasks,
                 std::string_view what) {
  const auto& sender = self->current_sender();
  if (sender)
    for (const auto& task : tasks)
      if (task && sender == caf::actor_cast<caf::strong_actor_ptr>(task))
        return true;
  refuse_sender(self, what);
  return false;
}

/// True if the message comes from a node that hosts this attempt's tasks.
bool from_member(coordinator_actor* self, std::string_view what) {
  return admit(self, sender_class::member, self->state.trust.get(), what);
}

void shut_down(coordinator_actor* self, caf::error reason) {
  auto& st = self->state;
  st.listener = nullptr;
  auto stop = [&](const auto& actors) {
    for (auto& a : actors)
      self->send_exit(a, caf::exit_reason::user_shutdown);
  };
  stop(st.sources);
  stop(st.owners);
  if (st.combiner)
    self->send_exit(st.combiner, caf::exit_reason::user_shutdown);
  stop(st.sinks);
  if (st.checkpointer)
    self->send_exit(st.checkpointer, caf::exit_reason::user_shutdown);
  self->quit(std::move(reason));
}

void run(coordinator_actor* self, attempt_steps steps,
         caf::error reason = caf::none);

/// Sends one deployment per task manager slot and hands the handles, in
/// order, to `next`; fails the job if any deployment fails.
template <class Deployment>
void deploy_each(coordinator_actor* self, std::vector<Deployment> deployments,
                 const std::vector<uint32_t>& placement,
                 std::function<void(std::vector<caf::actor>)> next) {
  auto& st = self->state;
  const size_t n = deployments.size();
  if (n == 0) {
    next({});
    return;
  }
  auto handles = std::make_shared<std::vector<caf::actor>>(n);
  auto pending = std::make_shared<size_t>(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t where = i < placement.size() ? placement[i] : i;
    auto& tm = st.task_managers[where % st.task_managers.size()];
    self->request(tm, std::chrono::seconds(30), std::move(deployments[i]))
      .then(
        [self, handles, pending, next, i](caf::actor& task) {
          (*handles)[i] = std::move(task);
          self->monitor((*handles)[i]);
          if (--*pending == 0)
            next(std::move(*handles));
        },
        [self](caf::error& err) {
          spdlog::error("deploying a task failed: {}",
                        self->system().render(err));
          run(self, self->state.progress.failed(), std::move(err));
        });
  }
}

/// Deploys every task of the plan over the task managers: sinks and the
/// UV combiner on the first, owner i and source j on task manager i (j)
/// modulo their count. Downstream tasks first, so that every task starts
/// with the handles of its receivers. Source tasks open their inputs on
/// their own threads; a failure there fails the job through failed_atom.
void deploy(coordinator_actor* self) {
  const bool uv = job_needs_combiner(*self->state.config);
  // Untyped on purpose: the deployments carry this handle and the tasks'
  // across nodes as registered wire types (common/protocol/cluster.hpp);
  // the task manager casts them back to job_master_actor and the tasks'
  // interfaces (common/protocol/task_interfaces.hpp).
  caf::actor me = caf::actor_cast<caf::actor>(self);
  sink_deployment sinks;
  sinks.producers
    = static_cast<uint32_t>(self->state.plan.owner_ranges.size() + (uv ? 1 : 0));
  sinks.coordinator = me;
  auto deploy_sources = [self, me] {
    auto& st = self->state;
    std::vector<source_deployment> sources;
    const auto& restore = st.checkpointing.restore;
    for (uint32_t i = 0; i < st.plan.source_partitions.size(); ++i) {
      source_deployment d{i,  st.plan.source_partitions[i],
                          st.plan.owner_ranges, untyped_handles(st.owners),
                          me, {}, st.plan.from_beginning};
      if (restore)
        d.restore = partitions_for(*restore, d.partitions);
      sources.push_back(std::move(d));
    }
    deploy_each(self, std::move(sources), st.plan.source_placement,
                [self](std::vector<caf::actor> handles) {
                  self->state.sources = typed_handles<source_actor>(handles);
                  run(self, self->state.progress.deployed());
                });
  };
  auto deploy_owners = [self, me, deploy_sources] {
    auto& st = self->state;
    std::vector<owner_deployment> owners;
    const auto inputs
      = static_cast<uint32_t>(st.plan.source_partitions.size());
    for (uint32_t i = 0; i < st.plan.owner_ranges.size(); ++i) {
      owner_deployment d{i,
                         st.plan.owner_ranges[i],
                         inputs,
                         untyped_handles(st.sinks),
                         caf::actor_cast<caf::actor>(st.combiner),
                         me,
                         {},
                         min_event_time};
      if (st.checkpointing.restore) {
        d.restore = groups_for(*st.checkpointing.restore, d.range);
        d.restore_watermark
          = watermark_floor_for(*st.checkpointing.restore, d.range);
      }
      owners.push_back(std::move(d));
    }
    deploy_each(self, std::move(owners), st.plan.owner_placement,
                [self, deploy_sources](std::vector<caf::actor> handles) {
                  self->state.owners = typed_handles<owner_actor>(handles);
                  deploy_sources();
                });
  };
  self
    ->request(self->state.task_managers.front(), std::chrono::seconds(30),
              std::move(sinks))
    .then(
      [self, uv, me, deploy_owners](std::vector<caf::actor>& handles) {
        auto& st = self->state;
        st.sinks = typed_handles<sink_actor>(handles);
        for (auto& s : st.sinks)
          self->monitor(s);
        if (!uv) {
          deploy_owners();
          return;
        }
        combiner_deployment combiner{st.plan.owner_ranges,
                                     untyped_handles(st.sinks), me, {}};
        if (st.checkpointing.restore)
          combiner.restore = st.checkpointing.restore->combiner;
        deploy_each(self, std::vector<combiner_deployment>{std::move(combiner)},
                    {}, [self, deploy_owners](std::vector<caf::actor> spawned) {
                      self->state.combiner
                        = caf::actor_cast<combiner_actor>(spawned.front());
                      deploy_owners();
                    });
      },
      [self](caf::error& err) {
        spdlog::error("deploying the sinks failed: {}",
                      self->system().render(err));
        run(self, self->state.progress.failed(), std::move(err));
      });
}

/// Every task is deployed: checkpoints begin (if enabled).
void start_checkpoints(coordinator_actor* self) {
  auto& st = self->state;
  spdlog::info("job '{}' running on {} task manager(s): {}", st.config->name,
               st.task_managers.size(), describe(st.plan));
  if (!st.checkpointing.store)
    return;
  checkpoint_participants expected{st.sources.size(), st.owners.size(),
                                   static_cast<bool>(st.combiner),
                                   st.sinks.size()};
  st.checkpointer = spawn_checkpoint_coordinator(
    self->system(), checkpointed_job_of(*st.config), st.checkpointing,
    st.sources, expected, st.listener);
  self->link_to(st.checkpointer); // it ends with this attempt
}

/// Collects the status of every task into one job_status and hands it to
/// `ready` (also when some task does not answer within the timeout).
void collect_status(coordinator_actor* self,
                    std::function<void(job_status&)> ready) {
  auto& st = self->state;
  auto result = std::make_shared<job_status>();
  result->name = st.config->name;
  result->state = to_string(st.progress.phase());
  result->started_ms = st.started_ms;
  result->sources.resize(st.sources.size());
  if (st.sources.empty())
    result->sources = st.stopped_sources;
  result->owners.resize(st.owners.size());
  result->sinks.resize(st.sinks.size());
  result->checkpoints = st.checkpointing.stats;
  auto pending = std::make_shared<size_t>(st.sources.size() + st.owners.size()
                                          + st.sinks.size()
                                          + (st.combiner ? 1 : 0)
                                          + (st.checkpointer ? 1 : 0));
  auto finish = [ready, result, pending]() mutable {
    if (--*pending == 0)
      ready(*result);
  };
  if (*pending == 0) {
    ready(*result);
    return;
  }
  // A failing job asks briefly: some tasks are gone for good.
  const auto timeout = st.progress.phase() == attempt_phase::failed
                         ? std::chrono::milliseconds(500)
                                            : std::chrono::milliseconds(5000);
  auto on_error = [finish](const caf::error&) mutable { finish(); };
  // A status that fails its checks is refused (counted, logged once) and
  // left empty in the job's status.
  auto valid = [self](const std::optional<std::string>& problem) {
    if (problem)
      refuse_invalid(self, *problem);
    return !problem;
  };
  const uint32_t key_groups = st.config->key_groups;
  for (size_t i = 0; i < st.sources.size(); ++i)
    self->request(st.sources[i], timeout, status_atom_v)
      .then(
        [result, finish, valid, i](source_status& s) mutable {
          if (valid(check_status(s)))
            result->sources[i] = std::move(s);
          finish();
        },
        on_error);
  for (size_t i = 0; i < st.owners.size(); ++i)
    self->request(st.owners[i], timeout, status_atom_v)
      .then(
        [result, finish, valid, key_groups, i](owner_status& s) mutable {
          if (valid(check_status(s, key_groups)))
            result->owners[i] = std::move(s);
          finish();
        },
        on_error);
  for (size_t i = 0; i < st.sinks.size(); ++i)
    self->request(st.sinks[i], timeout, status_atom_v)
      .then(
        [result, finish, valid, i](sink_status& s) mutable {
          if (valid(check_status(s)))
            result->sinks[i] = std::move(s);
          finish();
        },
        on_error);
  if (st.combiner)
    self->request(st.combiner, timeout, status_atom_v)
      .then(
        [result, finish](event_time wm) mutable {
          result->combiner_watermark = wm;
          finish();
        },
        on_error);
  if (st.checkpointer)
    self->request(st.checkpointer, timeout, status_atom_v)
      .then(
        [result, finish](checkpoint_stats& s) mutable {
          result->checkpoints = std::move(s);
          finish();
        },
        on_error);
}

/// Ends the job: reports its final status to the listener, then stops
/// every task.
void finish(coordinator_actor* self, caf::error reason) {
  if (!self->state.listener) {
    shut_down(self, std::move(reason));
    return;
  }
  collect_status(self, [self, reason](job_status& status) mutable {
    for (const auto& s : status.sinks)
      if (!s.done && status.state != "failed")
        spdlog::error("{} could not write everything in time: {} of {} rows "
                      "written (last error: {})",
                      s.name, s.rows_written, s.rows_in, s.last_error);
    self->send(self->state.listener, done_atom_v, std::move(status));
    shut_down(self, std::move(reason));
  });
}

/// Stop: the sources' figures first (a quick answer, at most a second),
/// kept for the closing summary; then the sources end, then the sinks
/// write what is pending, within most of job.stop-timeout.
void stop_tasks(coordinator_actor* self) {
  auto& st = self->state;
  spdlog::info("stopping: flushing pending results; open windows are not "
               "fired");
  if (st.checkpointer)
    self->send(st.checkpointer, stop_atom_v);
  auto end_sources_then_sinks = [self]() {
    auto& now = self->state;
    for (auto& s : now.sources)
      self->send_exit(s, caf::exit_reason::user_shutdown);
    now.sources.clear();
    for (auto& s : now.sinks)
      self->send(s, stop_atom_v);
  };
  st.stopped_sources.assign(st.sources.size(), source_status{});
  if (st.sources.empty())
    end_sources_then_sinks();
  auto pending = std::make_shared<size_t>(st.sources.size());
  auto answered = [pending, end_sources_then_sinks]() {
    if (--*pending == 0)
      end_sources_then_sinks();
  };
  for (size_t i = 0; i < st.sources.size(); ++i)
    self->request(st.sources[i], std::chrono::seconds(1), status_atom_v)
      .then(
        [self, answered, i](source_status& s) {
          if (auto problem = check_status(s))
            refuse_invalid(self, *problem);
          else
            self->state.stopped_sources[i] = std::move(s);
          answered();
        },
        [answered](caf::error&) { answered(); });
  // The rest of the timeout is for reporting and exiting before the
  // process's own watchdog fires.
  self->delayed_send(
    self, std::chrono::milliseconds(st.config->stop_timeout_ms * 4 / 5),
    stop_atom_v, tick_atom_v);
}

/// Every result of every record read is written: commit the sources'
/// positions to the consumer group, then end.
void commit_positions(coordinator_actor* self) {
  auto& st = self->state;
  auto pending = std::make_shared<size_t>(st.sources.size());
  auto done = [self, pending]() {
    if (--*pending == 0)
      run(self, self->state.progress.committed());
  };
  for (auto& source : st.sources)
    self->request(source, std::chrono::seconds(15), commit_atom_v)
      .then([done](ack_atom) { done(); },
            [done](const caf::error&) { done(); });
}

/// Carries out one step (std::visit picks the overload).
struct step_runner {
  coordinator_actor* self;
  caf::error& reason;

  void operator()(const attempt_command::start_checkpoints&) {
    start_checkpoints(self);
  }
  void operator()(const attempt_command::drain_sources&) {
    spdlog::info("draining: reading to the current end of the input, then "
                 "firing every window");
    for (auto& s : self->state.sources)
      self->send(s, drain_atom_v);
  }
  void operator()(const attempt_command::end_sources&) {
    for (auto& s : self->state.sources)
      self->send_exit(s, caf::exit_reason::user_shutdown);
    self->state.sources.clear();
  }
  void operator()(const attempt_command::stop_tasks&) { stop_tasks(self); }
  void operator()(const attempt_command::commit_positions&) {
    commit_positions(self);
  }
  void operator()(const attempt_command::finish&) {
    finish(self, std::move(reason));
  }
};

void run(coordinator_actor* self, attempt_steps steps, caf::error reason) {
  for (const auto& s : steps)
    std::visit(step_runner{self, reason}, s);
}

job_master_actor::behavior_type
coordinator_behavior(coordinator_actor* self,
                     std::shared_ptr<const job_config> config, job_plan plan,
                     std::vector<task_manager_actor> task_managers,
                     job_listener_actor listener,
                     attempt_checkpointing checkpointing,
                     results_actor results) {
  auto& setup = self->state;
  setup.checkpointing = std::move(checkpointing);
  setup.results = std::move(results);
  setup.config = std::move(config);
  setup.plan = std::move(plan);
  setup.task_managers = std::move(task_managers);
  setup.listener = std::move(listener);
  setup.started_ms = wall_now_ms();
  setup.trust = std::make_shared<trusted_nodes>(self->node());
  {
    std::set<caf::node_id> nodes;
    for (const auto& tm : setup.task_managers)
      nodes.insert(tm.node());
    setup.trust->set_members(std::move(nodes));
  }
  deploy(self);
  self->set_down_handler([self](const caf::down_msg& msg) {
    if (msg.reason && msg.reason != caf::exit_reason::user_shutdown
        && !self->state.progress.ended()) {
      spdlog::error("a task of the job failed: {}",
                    self->system().render(msg.reason));
      run(self, self->state.progress.failed(), msg.reason);
    }
  });
  return {
    [self](done_atom, const source_status&) {
      // A source finished its bounded input; owners fire when all have.
      if (!from_member(self, "a source's end"))
        return;
      if (self->state.checkpointer)
        self->send(self->state.checkpointer, done_atom_v);
    },
    [self](results_atom, std::vector<result_row>& rows) {
      // Latest results, for the REST API.
      auto& st = self->state;
      if (!from_one_of(self, st.sinks, "result rows"))
        return;
      if (auto problem = check_rows(rows)) {
        refuse_invalid(self, *problem);
        return;
      }
      if (st.results)
        self->send(st.results, results_atom_v, std::move(rows));
      else if (st.listener)
        self->send(st.listener, results_atom_v, std::move(rows));
    },
    // Checkpoint parts go to the checkpoint coordinator of this attempt.
    [self](owner_checkpoint& part) {
      auto& st = self->state;
      if (!from_one_of(self, st.owners, "an owner's checkpoint part"))
        return;
      if (auto problem = check_part(part, st.owners.size(),
                                    st.config->key_groups)) {
        refuse_invalid(self, *problem);
        return;
      }
      if (st.checkpointer)
        self->send(st.checkpointer, std::move(part));
    },
    [self](combiner_checkpoint& part) {
      auto& st = self->state;
      if (!from_one_of(self, std::vector<combiner_actor>{st.combiner},
                       "the combiner's checkpoint part"))
        return;
      if (auto problem = check_part(part, st.config->key_groups)) {
        refuse_invalid(self, *problem);
        return;
      }
      if (st.checkpointer)
        self->send(st.checkpointer, std::move(part));
    },
    [self](checkpoint_atom, failed_atom, uint64_t id, std::string& why) {
      if (from_one_of(self, self->state.owners, "an owner's declined checkpoint")
          && self->state.checkpointer)
        self->send(self->state.checkpointer, checkpoint_atom_v, failed_atom_v,
                   id, why.substr(0, 1024)); // a reason, not a payload
    },
    [self](checkpoint_atom, ack_atom, uint64_t id) {
      if (!from_one_of(self, self->state.sinks, "a sink's checkpoint ack"))
        return;
      if (self->state.checkpointer)
        self->send(self->state.checkpointer, checkpoint_atom_v, ack_atom_v,
                   id);
    },
    [self](savepoint_atom) -> caf::result<std::string> {
      if (!admit(self, sender_class::local, nullptr, "a savepoint request"))
        return caf::make_error(cluster_error::wrong_sender, "local only");
      auto& st = self->state;
      if (!st.checkpointing.store)
        return caf::make_error(cluster_error::checkpoints_disabled,
                               "checkpoints are not enabled for this job");
      if (!st.checkpointer)
        return caf::make_error(cluster_error::not_running,
                               "the job is not running yet");
      auto promise = self->make_response_promise<std::string>();
      self
        ->request(st.checkpointer,
                  std::chrono::milliseconds(2 * st.checkpointing.timeout_ms),
                  savepoint_atom_v)
        .then([promise](std::string& path) mutable { promise.deliver(path); },
              [promise](caf::error& err) mutable { promise.deliver(err); });
      return promise;
    },
    [self](done_atom, const owner_status&) {
      // An owner emitted everything; sinks report when it is written.
    },
    [self](done_atom, const sink_status& s) {
      auto& st = self->state;
      if (!from_one_of(self, st.sinks, "a sink's end"))
        return;
      spdlog::info("{} reported all results written",
                   s.name.substr(0, max_sample_text_bytes));
      const bool stopping = st.progress.phase() == attempt_phase::stopping;
      auto steps = st.progress.sink_done(st.sinks.size(), !st.sources.empty());
      if (!steps.empty()) // the last sink (bench/cluster.sh times this line)
        spdlog::info("job '{}' {}: every result is written", st.config->name,
                     stopping ? "stopped" : "finished");
      run(self, std::move(steps));
    },
    [self](failed_atom, const std::string& why) {
      if (!from_member(self, "a task failure"))
        return;
      spdlog::error("job failed: {}", why.substr(0, 4096));
      run(self, self->state.progress.failed(),
          caf::make_error(caf::sec::runtime_error, why));
    },
    [self](drain_atom) {
      if (!admit(self, sender_class::local, nullptr, "a drain request"))
        return;
      run(self, self->state.progress.drain_requested());
    },
    [self](stop_atom) {
      if (!admit(self, sender_class::local, nullptr, "a stop request"))
        return;
      run(self, self->state.progress.stop_requested());
    },
    [self](stop_atom, tick_atom) {
      // The stop timeout passed before every sink wrote everything.
      if (!admit(self, sender_class::self, nullptr, "a stop timeout"))
        return;
      run(self, self->state.progress.stop_timed_out());
    },
    [self](status_atom) -> caf::result<job_status> {
      if (!admit(self, sender_class::local, nullptr, "a status request"))
        return caf::make_error(cluster_error::wrong_sender, "local only");
      auto promise = self->make_response_promise<job_status>();
      collect_status(self, [promise](job_status& status) mutable {
        promise.deliver(std::move(status));
      });
      return promise;
    },
  };
}

} // namespace

job_master_actor
spawn_job_coordinator(caf::actor_system& system,
                      std::shared_ptr<const job_config> config, job_plan plan,
                      std::vector<task_manager_actor> task_managers,
                      job_listener_actor listener,
                      attempt_checkpointing checkpointing,
                      results_actor results) {
  return system.spawn(coordinator_behavior, std::move(config),
                      std::move(plan), std::move(task_managers),
                      std::move(listener), std::move(checkpointing),
                      std::move(results));
}

} // namespace ubaflow
