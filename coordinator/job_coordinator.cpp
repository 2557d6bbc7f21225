#include "coordinator/job_coordinator.hpp"

#include "common/protocol/type_ids.hpp"
#include "common/util/clock.hpp"
#include "worker/sink/sink_actor.hpp"
#include "worker/source/source_actor.hpp"
#include "worker/state/state_actor.hpp"
#include "worker/state/uv_combiner.hpp"
#include "worker/task_factory.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace ubaflow {

namespace {

struct coordinator_state {
  std::shared_ptr<const job_config> config;
  job_plan plan;
  std::vector<caf::actor> sinks;
  caf::actor combiner;
  std::vector<caf::actor> owners;
  std::vector<caf::actor> sources;
  size_t sinks_done = 0;
  std::string phase = "running";
  int64_t started_ms = 0;
  caf::actor listener;
  bool ending = false; ///< finish() was called

  static inline const char* name = "ubaflow.coordinator";
};

using coordinator_actor = caf::stateful_actor<coordinator_state>;

void shut_down(coordinator_actor* self, caf::error reason) {
  auto& st = self->state;
  st.listener = nullptr;
  auto stop = [&](std::vector<caf::actor>& actors) {
    for (auto& a : actors)
      self->send_exit(a, caf::exit_reason::user_shutdown);
  };
  stop(st.sources);
  stop(st.owners);
  if (st.combiner)
    self->send_exit(st.combiner, caf::exit_reason::user_shutdown);
  stop(st.sinks);
  self->quit(std::move(reason));
}

/// Spawns every task of the plan. Source tasks open their inputs on their
/// own threads; a failure there fails the job through failed_atom.
void deploy(coordinator_actor* self) {
  auto& st = self->state;
  const auto& config = *st.config;
  auto& sys = self->system();
  const bool uv = config.windows.computes_uv();
  const size_t producers = st.plan.owner_ranges.size() + (uv ? 1 : 0);
  caf::actor me = caf::actor_cast<caf::actor>(self);

  if (config.ndjson_output)
    st.sinks.push_back(spawn_sink_actor(sys, make_ndjson_writer(config),
                                        producers, 1000, me));
  if (config.es_output)
    st.sinks.push_back(spawn_sink_actor(sys, make_es_writer(config),
                                        producers,
                                        config.es_flush_interval_ms, me));
  result_formatter format{config.zone};
  if (uv)
    st.combiner = spawn_combiner_actor(
      sys,
      std::make_shared<uv_combiner>(config.windows, st.plan.owner_ranges,
                                    format),
      st.sinks);
  const size_t inputs = st.plan.source_partitions.size();
  for (uint32_t i = 0; i < st.plan.owner_ranges.size(); ++i)
    st.owners.push_back(spawn_state_actor(
      sys, i,
      std::make_shared<keyed_state>(config.windows, st.plan.owner_ranges[i],
                                    inputs, format),
      st.sinks, st.combiner, me, config.category_interval_ms));
  source_actor_settings source_settings;
  source_settings.max_in_flight = config.max_in_flight;
  for (uint32_t i = 0; i < st.plan.source_partitions.size(); ++i) {
    auto config_ptr = st.config;
    auto partitions = st.plan.source_partitions[i];
    auto ranges = st.plan.owner_ranges;
    source_task_factory factory = [config_ptr, i, partitions,
                                   ranges](std::string& why) {
      return make_source_task(*config_ptr, i, partitions, ranges, why);
    };
    st.sources.push_back(spawn_source_actor(sys, std::move(factory), i,
                                            st.owners, me, source_settings));
  }
  for (auto* group : {&st.sinks, &st.owners, &st.sources})
    for (auto& a : *group)
      self->monitor(a);
  if (st.combiner)
    self->monitor(st.combiner);
}

/// Collects the status of every task into one job_status and hands it to
/// `ready` (also when some task does not answer within the timeout).
void collect_status(coordinator_actor* self,
                    std::function<void(job_status&)> ready) {
  auto& st = self->state;
  auto result = std::make_shared<job_status>();
  result->name = st.config->name;
  result->state = st.phase;
  result->started_ms = st.started_ms;
  result->sources.resize(st.sources.size());
  result->owners.resize(st.owners.size());
  result->sinks.resize(st.sinks.size());
  auto pending = std::make_shared<size_t>(st.sources.size() + st.owners.size()
                                          + st.sinks.size()
                                          + (st.combiner ? 1 : 0));
  auto finish = [ready, result, pending]() mutable {
    if (--*pending == 0)
      ready(*result);
  };
  if (*pending == 0) {
    ready(*result);
    return;
  }
  const auto timeout = std::chrono::seconds(5);
  auto on_error = [finish](const caf::error&) mutable { finish(); };
  for (size_t i = 0; i < st.sources.size(); ++i)
    self->request(st.sources[i], timeout, status_atom_v)
      .then(
        [result, finish, i](source_status& s) mutable {
          result->sources[i] = std::move(s);
          finish();
        },
        on_error);
  for (size_t i = 0; i < st.owners.size(); ++i)
    self->request(st.owners[i], timeout, status_atom_v)
      .then(
        [result, finish, i](owner_status& s) mutable {
          result->owners[i] = std::move(s);
          finish();
        },
        on_error);
  for (size_t i = 0; i < st.sinks.size(); ++i)
    self->request(st.sinks[i], timeout, status_atom_v)
      .then(
        [result, finish, i](sink_status& s) mutable {
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
}

/// Ends the job: reports its final status to the listener, then stops
/// every task.
void finish(coordinator_actor* self, std::string phase, caf::error reason) {
  if (self->state.ending)
    return;
  self->state.ending = true;
  self->state.phase = std::move(phase);
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

caf::behavior coordinator_behavior(coordinator_actor* self,
                                   std::shared_ptr<const job_config> config,
                                   job_plan plan, caf::actor listener) {
  auto& setup = self->state;
  setup.config = std::move(config);
  setup.plan = std::move(plan);
  setup.listener = std::move(listener);
  setup.started_ms = wall_now_ms();
  deploy(self);
  spdlog::info("job '{}' running: {}", setup.config->name,
               describe(setup.plan));
  self->set_down_handler([self](const caf::down_msg& msg) {
    if (msg.reason && msg.reason != caf::exit_reason::user_shutdown
        && !self->state.ending) {
      spdlog::error("a task of the job failed: {}",
                    self->system().render(msg.reason));
      finish(self, "failed", msg.reason);
    }
  });
  return {
    [self](done_atom, const source_status&) {
      // A source finished its bounded input; owners fire when all have.
    },
    [self](done_atom, const owner_status&) {
      // An owner emitted everything; sinks report when it is written.
    },
    [self](done_atom, const sink_status& s) {
      auto& st = self->state;
      spdlog::info("{} reported all results written", s.name);
      if (++st.sinks_done < st.sinks.size())
        return;
      const bool stopped = st.phase == "stopping";
      spdlog::info("job '{}' {}: every result is written", st.config->name,
                   stopped ? "stopped" : "finished");
      if (stopped || st.sources.empty()) {
        finish(self, stopped ? "stopped" : "finished", caf::none);
        return;
      }
      // Every result of every record read is written: commit the sources'
      // positions to the consumer group, then end.
      auto pending = std::make_shared<size_t>(st.sources.size());
      auto done = [self, pending]() {
        if (--*pending == 0)
          finish(self, "finished", caf::none);
      };
      for (auto& source : st.sources)
        self->request(source, std::chrono::seconds(15), commit_atom_v)
          .then([done](ack_atom) { done(); },
                [done](const caf::error&) { done(); });
    },
    [self](failed_atom, const std::string& why) {
      spdlog::error("job failed: {}", why);
      finish(self, "failed", caf::make_error(caf::sec::runtime_error, why));
    },
    [self](drain_atom) {
      auto& st = self->state;
      if (st.phase != "running")
        return;
      st.phase = "draining";
      spdlog::info("draining: reading to the current end of the input, then "
                   "firing every window");
      for (auto& s : st.sources)
        self->send(s, drain_atom_v);
    },
    [self](stop_atom) {
      auto& st = self->state;
      if (st.phase == "stopping")
        return;
      st.phase = "stopping";
      spdlog::info("stopping: flushing pending results; open windows are not "
                   "fired");
      for (auto& s : st.sources)
        self->send_exit(s, caf::exit_reason::user_shutdown);
      st.sources.clear();
      for (auto& s : st.sinks)
        self->send(s, stop_atom_v);
      self->delayed_send(self,
                         std::chrono::milliseconds(st.config->stop_timeout_ms),
                         stop_atom_v, tick_atom_v);
    },
    [self](stop_atom, tick_atom) {
      // The stop timeout passed before every sink wrote everything.
      finish(self, "stopped", caf::none);
    },
    [self](status_atom) {
      auto promise = self->make_response_promise();
      collect_status(self, [promise](job_status& status) mutable {
        promise.deliver(std::move(status));
      });
      return promise;
    },
  };
}

} // namespace

caf::actor spawn_job_coordinator(caf::actor_system& system,
                                 std::shared_ptr<const job_config> config,
                                 job_plan plan, caf::actor listener) {
  return system.spawn(coordinator_behavior, std::move(config),
                      std::move(plan), std::move(listener));
}

} // namespace ubaflow
