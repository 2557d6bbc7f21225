#include "coordinator/cluster/membership.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

namespace {

worker_record named(std::string name, uint32_t slots = 1) {
  worker_record w;
  w.name = std::move(name);
  w.slots = slots;
  return w;
}

} // namespace

TEST_SUITE("coordinator.membership") {

TEST_CASE("workers get increasing ids and are listed in join order") {
  membership m;
  uint32_t replaced = 0;
  auto a = m.join(named("a", 2), 0, replaced);
  auto b = m.join(named("b"), 0, replaced);
  CHECK(a < b);
  CHECK(m.size() == 2);
  CHECK(m.total_slots() == 3);
  CHECK(m.workers().front()->name == "a");
}

TEST_CASE("silent workers expire; heartbeats keep them") {
  membership m;
  uint32_t replaced = 0;
  auto a = m.join(named("a"), 1'000, replaced);
  auto b = m.join(named("b"), 1'000, replaced);
  CHECK(m.heartbeat(a, 5'000));
  CHECK(m.expired(5'500, 4'000) == std::vector<uint32_t>{b});
  CHECK(m.expired(5'000, 4'000).empty()); // exactly at the limit: alive
  CHECK(m.remove(b));
  CHECK_FALSE(m.heartbeat(b, 6'000)); // gone for good
  CHECK_FALSE(m.remove(b));
}

TEST_CASE("the coordinator's own task manager never expires") {
  membership m;
  uint32_t replaced = 0;
  auto local = named("local", 4);
  local.local = true;
  auto a = m.join(std::move(local), 0, replaced);
  auto b = m.join(named("b"), 0, replaced);
  CHECK(m.expired(1'000'000, 5'000) == std::vector<uint32_t>{b});
  CHECK(m.find(a) != nullptr);
}

TEST_CASE("a worker rejoining under its name replaces its old record") {
  membership m;
  uint32_t replaced = 0;
  auto first = m.join(named("pod-0"), 0, replaced);
  CHECK(replaced == 0);
  auto second = m.join(named("pod-0"), 10, replaced);
  CHECK(replaced == first);
  CHECK(second != first);
  CHECK(m.size() == 1);
  CHECK(m.find(first) == nullptr);
}

} // TEST_SUITE
