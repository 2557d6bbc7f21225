// The cluster manager's admission protocol, driven by CAF's deterministic
// test scheduler: every message is delivered by sched.run(), no threads.

#include "coordinator/cluster/cluster_manager.hpp"

#include "common/cluster/join_proof.hpp"
#include "common/protocol/type_ids.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>

using namespace ubaflow;

namespace {

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  caf::actor manager;
  caf::actor listener;

  fixture() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    cfg.add_message_types<caf::id_block::ubaflow>();
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    listener = sys->spawn([]() -> caf::behavior {
      return {[](done_atom, const job_status&) {}};
    });
    cluster_settings s;
    s.cluster_id = "prod";
    s.secret = "s3cret";
    s.min_workers = 2;
    s.job_settings = {"kafka.topic=clicks"};
    manager = spawn_cluster_manager(*sys, std::make_shared<const job_config>(),
                                    s, listener);
    sched->run();
  }

  ~fixture() {
    caf::anon_send_exit(manager, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
    sched->run();
  }

  /// Sends `req` from a fresh client actor; returns the reply or the error.
  struct outcome {
    std::optional<join_reply> reply;
    std::optional<caf::error> error;
  };
  outcome join(join_request req) {
    auto result = std::make_shared<outcome>();
    sys->spawn([this, req, result](caf::event_based_actor* self) {
      self->request(manager, caf::infinite, req)
        .then([result](join_reply& r) { result->reply = std::move(r); },
              [result](caf::error& e) { result->error = std::move(e); });
    });
    sched->run();
    return *result;
  }

  job_status status() {
    auto result = std::make_shared<job_status>();
    sys->spawn([this, result](caf::event_based_actor* self) {
      self->request(manager, caf::infinite, status_atom_v)
        .then([result](job_status& s) { *result = std::move(s); });
    });
    sched->run();
    return *result;
  }
};

join_request request_from(std::string name, std::string cluster,
                          std::string secret) {
  join_request req;
  req.cluster_id = cluster;
  req.worker_name = name;
  req.proof = join_proof(secret, cluster, name);
  req.host = "127.0.0.1";
  req.port = 7000;
  return req;
}

/// A stand-in task manager that only answers what admission sends it.
caf::behavior quiet_task_manager() {
  return {
    [](join_atom, uint32_t, const caf::actor&) {},
    [](const peer_list&) { return ack_atom_v; },
  };
}

} // namespace

TEST_SUITE("coordinator.cluster_manager") {

TEST_CASE("workers with the wrong secret or cluster are refused") {
  fixture f;
  auto wrong_secret = f.join(request_from("w1", "prod", "guess"));
  CHECK_FALSE(wrong_secret.reply);
  REQUIRE(wrong_secret.error);
  CHECK(f.sys->render(*wrong_secret.error).find("wrong cluster secret")
        != std::string::npos);
  auto wrong_cluster = f.join(request_from("w1", "test", "s3cret"));
  REQUIRE(wrong_cluster.error);
  CHECK(f.sys->render(*wrong_cluster.error).find("wrong cluster id")
        != std::string::npos);
  CHECK(f.status().workers.empty());
}

TEST_CASE("a worker first learns the job's settings, then joins") {
  fixture f;
  auto hello = f.join(request_from("w1", "prod", "s3cret"));
  REQUIRE(hello.reply);
  CHECK(hello.reply->worker_id == 0); // not a member yet
  CHECK(hello.reply->job_settings
        == std::vector<std::string>{"kafka.topic=clicks"});
  CHECK(f.status().workers.empty());

  auto req = request_from("w1", "prod", "s3cret");
  req.task_manager = f.sys->spawn(quiet_task_manager);
  auto joined = f.join(req);
  REQUIRE(joined.reply);
  CHECK(joined.reply->worker_id > 0);
  auto s = f.status();
  CHECK(s.state == "waiting for workers"); // min_workers is 2
  REQUIRE(s.workers.size() == 1);
  CHECK(s.workers[0].find("w1") == 0);
  caf::anon_send_exit(req.task_manager, caf::exit_reason::user_shutdown);
}

} // TEST_SUITE
