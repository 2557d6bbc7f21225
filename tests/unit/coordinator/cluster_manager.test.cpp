// The cluster manager's admission protocol, driven by CAF's deterministic
// test scheduler: every message is delivered by sched.run(), no threads.

#include "coordinator/cluster/cluster_manager.hpp"

#include "common/cluster/join_proof.hpp"
#include "common/cluster/refusals.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"

#include "tests/unit/support/test_actor_system.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>

using namespace ubaflow;

namespace {

struct fixture {
  test::test_actor_system system;
  std::unique_ptr<caf::actor_system>& sys = system.sys;
  caf::scheduler::test_coordinator* sched = system.sched;
  cluster_manager_actor manager;
  caf::actor listener;

  fixture() {
    listener = sys->spawn([]() -> caf::behavior {
      return {[](done_atom, const job_status&) {}};
    });
    cluster_settings s;
    s.cluster_id = "prod";
    s.secrets = {"s3cret"};
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

  /// A fresh join challenge from the manager.
  std::string challenge() {
    auto result = std::make_shared<std::string>();
    sys->spawn([this, result](caf::event_based_actor* self) {
      self->request(manager, caf::infinite, challenge_atom_v)
        .then([result](std::string& c) { *result = std::move(c); });
    });
    sched->run();
    return *result;
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

  /// A request with a proof over a fresh challenge.
  join_request request_from(std::string name, std::string cluster,
                            std::string secret) {
    join_request req;
    req.cluster_id = cluster;
    req.worker_name = name;
    req.challenge = challenge();
    req.proof = join_proof(secret, cluster, name, req.challenge);
    req.host = "127.0.0.1";
    req.port = 7000;
    return req;
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
  auto wrong_secret = f.join(f.request_from("w1", "prod", "guess"));
  CHECK_FALSE(wrong_secret.reply);
  REQUIRE(wrong_secret.error);
  CHECK(f.sys->render(*wrong_secret.error).find("wrong cluster secret")
        != std::string::npos);
  auto wrong_cluster = f.join(f.request_from("w1", "test", "s3cret"));
  REQUIRE(wrong_cluster.error);
  CHECK(f.sys->render(*wrong_cluster.error).find("wrong cluster id")
        != std::string::npos);
  CHECK(f.status().workers.empty());
}

TEST_CASE("a worker first learns the job's settings, then joins") {
  fixture f;
  auto hello = f.join(f.request_from("w1", "prod", "s3cret"));
  REQUIRE(hello.reply);
  CHECK(hello.reply->worker_id == 0); // not a member yet
  CHECK(hello.reply->job_settings
        == std::vector<std::string>{"kafka.topic=clicks"});
  CHECK(f.status().workers.empty());

  auto req = f.request_from("w1", "prod", "s3cret");
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

TEST_CASE("a proof is good once: a replayed join is refused") {
  fixture f;
  auto req = f.request_from("w1", "prod", "s3cret");
  REQUIRE(f.join(req).reply);
  auto replayed = f.join(req);
  CHECK_FALSE(replayed.reply);
  REQUIRE(replayed.error);
  CHECK(*replayed.error == cluster_error::bad_credentials);
  auto unissued = f.request_from("w1", "prod", "s3cret");
  unissued.challenge = "0123456789abcdef0123456789abcdef";
  unissued.proof = join_proof("s3cret", "prod", "w1", unissued.challenge);
  REQUIRE(f.join(unissued).error);
}

TEST_CASE("a join with fields out of range is refused") {
  fixture f;
  auto req = f.request_from("w1", "prod", "s3cret");
  req.task_manager = f.sys->spawn(quiet_task_manager);
  req.slots = 0;
  auto bad = f.join(req);
  REQUIRE(bad.error);
  CHECK(*bad.error == cluster_error::invalid_message);
  CHECK(f.status().workers.empty());
  caf::anon_send_exit(req.task_manager, caf::exit_reason::user_shutdown);
}

TEST_CASE("a heartbeat of a worker that is not a member is answered so") {
  fixture f;
  auto result = std::make_shared<std::optional<caf::error>>();
  f.sys->spawn([&f, result](caf::event_based_actor* self) {
    self->request(f.manager, caf::infinite, heartbeat_atom_v, uint32_t{7})
      .then([](ack_atom) {}, [result](caf::error& e) { *result = e; });
  });
  f.sched->run();
  REQUIRE(*result);
  CHECK(**result == cluster_error::not_a_member);
}

TEST_CASE("the manager's timers are refused from other actors") {
  // In cluster_manager_actor (the manager sends them to itself), so the
  // interface lets anyone send them: admit() refuses them.
  fixture f;
  const auto refused_before = refusal_count("wrong_sender");
  f.sys->spawn([&f](caf::event_based_actor* self) {
    self->send(f.manager, tick_atom_v);
    self->send(f.manager, tick_atom_v, start_atom_v);
    self->send(f.manager, tick_atom_v, rescale_atom_v);
  });
  f.sched->run();
  CHECK(refusal_count("wrong_sender") == refused_before + 3);
  CHECK(f.status().state == "waiting for workers");
}

TEST_CASE("a cluster of one: the local task manager is a member from the start") {
  test::test_actor_system system;
  auto& sys = *system.sys;
  auto& sched = *system.sched;
  auto seen = std::make_shared<std::vector<std::string>>();
  auto task_manager = sys.spawn([seen]() -> caf::behavior {
    return {
      [seen](join_atom, uint32_t id, const caf::actor&) {
        seen->push_back("join " + std::to_string(id));
      },
      [seen](const peer_list& peers) {
        seen->push_back("peers " + std::to_string(peers.peers.size()));
        return ack_atom_v;
      },
    };
  });
  cluster_settings s;
  s.min_workers = 1;
  // A stand-in answering what admission sends: cast to the interface it
  // stands in for.
  s.local_task_manager = caf::actor_cast<task_manager_actor>(task_manager);
  s.local_slots = 3;
  s.partition_count = 1;
  auto config = std::make_shared<job_config>();
  config->name = "local job";
  auto manager = spawn_cluster_manager(sys, config, s, caf::actor{});
  sched.run();
  // Joined without a request and asked to connect to no peers (the only
  // member); the attempt's deployment follows.
  REQUIRE(seen->size() >= 2);
  CHECK((*seen)[0] == "join 1");
  CHECK((*seen)[1] == "peers 0");
  caf::anon_send_exit(manager, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(task_manager, caf::exit_reason::user_shutdown);
  sched.run();
}

} // TEST_SUITE
