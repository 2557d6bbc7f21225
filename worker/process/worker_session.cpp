#include "worker/process/worker_session.hpp"

#include "common/cluster/join_proof.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/transport/cluster_transport.hpp"
#include "common/util/backoff.hpp"
#include "common/util/process_control.hpp"
#include "worker/runtime/task_manager.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

namespace ubaflow {

namespace {

std::atomic<bool> leave_requested{false};

extern "C" void on_leave_signal(int) {
  if (leave_requested.exchange(true))
    std::_Exit(130); // second signal: leave now
}

/// A join request; the proof is added over a fresh challenge when it goes.
join_request make_request(const worker_identity& me, uint16_t data_port,
                          caf::actor task_manager) {
  join_request req;
  req.cluster_id = me.cluster_id;
  req.worker_name = me.name;
  req.host = me.host;
  req.port = data_port;
  req.slots = me.slots;
  req.task_manager = std::move(task_manager);
  return req;
}

enum class session_end { coordinator_lost, evicted, job_over, left, failed };

/// A finished job's coordinator exits right after telling the task managers
/// so, and its connection may close before this worker's task manager has
/// ended: a short wait tells "the job is over" from "the coordinator died".
session_end after_coordinator_lost(caf::scoped_actor& self,
                                   const task_manager_actor& task_manager) {
  auto end = session_end::coordinator_lost;
  bool waiting = true;
  while (waiting)
    self->receive(
      [&](caf::down_msg& msg) {
        if (msg.source == task_manager.address()) {
          end = msg.reason ? session_end::failed : session_end::job_over;
          waiting = false;
        }
      },
      [&](join_atom) {}, // a refused heartbeat: moot without a coordinator
      caf::after(std::chrono::seconds(1)) >> [&] { waiting = false; });
  return end;
}

/// Ends the process once its tasks are gone. Not through the actor
/// system's destructor: it waits for every actor another node still holds
/// a handle to, and peer workers ending at the same moment wait for each
/// other the same way. Sinks have written everything before the job ends,
/// so nothing is lost by leaving directly.
[[noreturn]] void leave_process(int code) {
  exit_without_teardown(code);
}

} // namespace

void install_leave_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_leave_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int run_worker_session(caf::actor_system& system, const worker_identity& me,
                       const worker_hooks& hooks) {
  caf::scoped_actor self{system};
  task_manager_actor task_manager;
  uint16_t data_port = 0;
  bool warned = false;
  // Workers often start beside their coordinator (Compose, a pod rollout):
  // the first retries come quickly, later ones every reconnect-interval.
  exponential_backoff retry{std::min<int64_t>(20, me.reconnect_ms),
                            me.reconnect_ms};
  auto pause = [&] {
    std::this_thread::sleep_for(
      std::chrono::milliseconds(retry.next_delay_ms()));
  };

  while (!leave_requested) {
    // -- reach the coordinator
    auto found = connect_to(system, me.coordinator_host, me.coordinator_port);
    if (!found) {
      if (found.error() == cluster_error::bad_credentials) {
        spdlog::error("the coordinator at {}:{} refused this worker: {}",
                      me.coordinator_host, me.coordinator_port,
                      system.render(found.error()));
        return 1; // wrong cluster id or secret: retrying will not help
      }
      if (!warned)
        spdlog::warn("cannot reach the coordinator at {}:{} ({}); retrying "
                     "(every {} ms at most)",
                     me.coordinator_host, me.coordinator_port,
                     system.render(found.error()), me.reconnect_ms);
      warned = true;
      pause();
      continue;
    }
    warned = false;
    caf::actor manager = *found;

    // -- learn the job's settings, start the task manager once
    bool refused = false;
    std::optional<join_reply> reply;
    auto ask = [&](join_request req) {
      reply.reset();
      // Every proof is over a fresh challenge: a recorded one is useless.
      std::optional<std::string> challenge;
      self->request(manager, std::chrono::seconds(10), challenge_atom_v)
        .receive([&](std::string& c) { challenge = std::move(c); },
                 [&](caf::error& err) {
                   spdlog::warn("joining failed: {}; retrying",
                                system.render(err));
                 });
      if (!challenge)
        return;
      req.challenge = *challenge;
      req.proof = join_proof(me.secret, me.cluster_id, me.name, *challenge);
      self->request(manager, std::chrono::seconds(10), std::move(req))
        .receive([&](join_reply& r) { reply = std::move(r); },
                 [&](caf::error& err) {
                   // Only the coordinator's verdict on the credentials ends
                   // the worker; anything else is worth a retry.
                   refused = err == cluster_error::bad_credentials;
                   if (refused)
                     spdlog::error("the coordinator refused this worker: {}",
                                   system.render(err));
                   else if (err == cluster_error::protocol_mismatch)
                     spdlog::error("the coordinator refused this worker's "
                                   "version (cluster protocol {}): {}; "
                                   "retrying",
                                   cluster_protocol_version,
                                   system.render(err));
                   else
                     spdlog::warn("joining failed: {}; retrying",
                                  system.render(err));
                 });
    };
    if (!task_manager) {
      ask(make_request(me, 0, {}));
      if (!reply) {
        if (refused)
          return 1; // wrong cluster id or secret: retrying will not help
        pause();
        continue;
      }
      int exit_code = 2;
      auto config = hooks.configure(reply->job_settings, exit_code);
      if (!config)
        return exit_code;
      task_manager = spawn_task_manager(system, std::move(config),
                                        reply->heartbeat_ms);
      // Published untyped, as before: peers and the coordinator reach it
      // as a caf::actor (remote_actor checks a published interface).
      auto published = publish_on(caf::actor_cast<caf::actor>(task_manager),
                                  me.bind_address, me.port);
      if (!published) {
        spdlog::error("cannot listen on {}:{}: {}", me.bind_address, me.port,
                      system.render(published.error()));
        self->send_exit(task_manager, caf::exit_reason::user_shutdown);
        return 1;
      }
      data_port = *published;
      self->monitor(task_manager);
    }

    // -- join; the task manager takes orders from this coordinator only
    self->send(task_manager, join_atom_v, manager, caf::actor{self});
    // Untyped in the request: the handle crosses to the coordinator, which
    // casts it back to task_manager_actor.
    ask(make_request(me, data_port,
                     caf::actor_cast<caf::actor>(task_manager)));
    if (!reply) {
      if (refused) {
        self->send_exit(task_manager, caf::exit_reason::user_shutdown);
        return 1;
      }
      pause();
      continue;
    }
    retry.reset();
    const uint32_t worker_id = reply->worker_id;
    spdlog::info("worker {} joined cluster '{}' at {}:{} as #{} ({} slot(s), "
                 "data port {})",
                 me.name, me.cluster_id, me.coordinator_host,
                 me.coordinator_port, worker_id, me.slots, data_port);
    self->monitor(manager);
    if (hooks.joined)
      hooks.joined(worker_id, task_manager);

    // -- serve until the coordinator goes away or we leave
    session_end end = session_end::coordinator_lost;
    bool running = true;
    while (running) {
      self->receive(
        [&](caf::down_msg& msg) {
          running = false;
          if (msg.source == task_manager.address())
            end = msg.reason ? session_end::failed : session_end::job_over;
          else
            end = session_end::coordinator_lost;
        },
        [&](join_atom) {
          // The task manager's heartbeat was refused: the coordinator
          // declared this worker lost (a pause, a partition).
          running = false;
          end = session_end::evicted;
        },
        caf::after(std::chrono::milliseconds(100)) >> [] {});
      if (!running && end == session_end::coordinator_lost)
        end = after_coordinator_lost(self, task_manager);
      if (running && leave_requested) {
        arm_exit_watchdog(me.stop_timeout_ms, "the worker");
        spdlog::info("leaving: handing this worker's work back");
        self->request(manager, std::chrono::seconds(30), stop_atom_v,
                      worker_id)
          .receive([](ack_atom) {}, [](caf::error&) {});
        end = session_end::left;
        running = false;
      }
    }
    switch (end) {
      case session_end::job_over:
        spdlog::info("the job is over; worker exits");
        leave_process(0);
      case session_end::failed:
        spdlog::error("the task manager failed");
        leave_process(1);
      case session_end::left:
        self->request(task_manager, std::chrono::seconds(30), cancel_atom_v)
          .receive([](ack_atom) {}, [](caf::error&) {});
        spdlog::info("left the cluster");
        leave_process(0);
      case session_end::evicted:
        if (hooks.left)
          hooks.left();
        self->demonitor(manager);
        spdlog::warn("the coordinator declared this worker lost; stopping its "
                     "tasks and rejoining");
        self->request(task_manager, std::chrono::seconds(30), cancel_atom_v)
          .receive([](ack_atom) {}, [](caf::error&) {});
        break;
      case session_end::coordinator_lost:
        if (hooks.left)
          hooks.left();
        spdlog::warn("lost the coordinator; stopping this worker's tasks "
                     "and reconnecting");
        self->request(task_manager, std::chrono::seconds(30), cancel_atom_v)
          .receive([](ack_atom) {}, [](caf::error&) {});
        break;
    }
  }
  arm_exit_watchdog(me.stop_timeout_ms, "the worker");
  if (task_manager)
    self->request(task_manager, std::chrono::seconds(30), cancel_atom_v)
      .receive([](ack_atom) {}, [](caf::error&) {});
  leave_process(0);
}

} // namespace ubaflow
