// The task manager behind its typed interface (task_manager_actor), on
// CAF's deterministic test scheduler: it answers this process, and its own
// heartbeat timer, though in the interface, is refused from anyone else.

#include "worker/runtime/task_manager.hpp"

#include "common/cluster/refusals.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"

#include "tests/unit/support/test_actor_system.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <optional>

using namespace ubaflow;

TEST_SUITE("cluster.task_manager") {

TEST_CASE("a task manager answers this process and keeps its timer to itself") {
  test::test_actor_system system;
  auto& sys = *system.sys;
  auto& sched = *system.sched;
  task_manager_actor tm
    = spawn_task_manager(sys, std::make_shared<const job_config>(), 1000);
  sched.run();
  const auto refused_before = refusal_count("wrong_sender");
  auto acked = std::make_shared<bool>(false);
  auto tasks = std::make_shared<std::optional<uint64_t>>();
  sys.spawn([tm, acked, tasks](caf::event_based_actor* self) {
    self->send(tm, heartbeat_atom_v); // its own timer: not from here
    self->request(tm, caf::infinite, peer_list{})
      .then([acked](ack_atom) { *acked = true; });
    self->request(tm, caf::infinite, status_atom_v)
      .then([tasks](uint64_t n) { *tasks = n; });
  });
  sched.run();
  CHECK(refusal_count("wrong_sender") == refused_before + 1);
  CHECK(*acked); // no peers to connect to
  REQUIRE(*tasks);
  CHECK(**tasks == 0);
  caf::anon_send_exit(tm, caf::exit_reason::user_shutdown);
  sched.run();
}

} // TEST_SUITE
