#include "coordinator/cluster/assignment.hpp"
#include "coordinator/job_plan.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace ubaflow;

namespace {

using worker_list = std::vector<std::pair<uint32_t, uint32_t>>;

void check_complete_and_balanced(const std::vector<worker_share>& shares,
                                 int32_t partitions) {
  std::set<int32_t> seen;
  size_t low = SIZE_MAX, high = 0;
  for (const auto& s : shares) {
    for (auto p : s.partitions)
      CHECK(seen.insert(p).second); // each partition exactly once
    low = std::min(low, s.partitions.size());
    high = std::max(high, s.partitions.size());
  }
  CHECK(seen.size() == static_cast<size_t>(partitions));
  CHECK(high - low <= 1);
}

size_t moved(const std::map<int32_t, uint32_t>& before,
             const std::map<int32_t, uint32_t>& after) {
  size_t n = 0;
  for (const auto& [p, w] : after) {
    auto i = before.find(p);
    if (i != before.end() && i->second != w)
      ++n;
  }
  return n;
}

} // namespace

TEST_SUITE("coordinator.assignment") {

TEST_CASE("partitions are spread evenly and key groups tile the range") {
  auto shares = assign_work({{1, 1}, {2, 1}, {3, 1}}, 8, 128, {});
  REQUIRE(shares.size() == 3);
  check_complete_and_balanced(shares, 8);
  key_group next = 0;
  for (const auto& s : shares)
    for (auto range : s.key_groups) {
      CHECK(range.first == next);
      next = range.last;
    }
  CHECK(next == 128);
}

TEST_CASE("slots weigh partitions and key groups") {
  auto shares = assign_work({{1, 1}, {2, 3}}, 8, 128, {});
  CHECK(shares[0].partitions.size() == 2);
  CHECK(shares[1].partitions.size() == 6);
  CHECK(shares[0].key_groups.size() == 1);
  CHECK(shares[1].key_groups.size() == 3);
}

TEST_CASE("adding a worker moves only what the newcomer needs") {
  auto before = assign_work({{1, 1}, {2, 1}}, 12, 128, {});
  auto after = assign_work({{1, 1}, {2, 1}, {3, 1}}, 12, 128,
                           partition_owners(before));
  check_complete_and_balanced(after, 12);
  CHECK(moved(partition_owners(before), partition_owners(after)) == 4);
  CHECK(after[2].partitions.size() == 4);
}

TEST_CASE("losing a worker moves only its partitions") {
  auto before = assign_work({{1, 1}, {2, 1}, {3, 1}}, 7, 128, {});
  auto owners = partition_owners(before);
  auto after = assign_work({{1, 1}, {3, 1}}, 7, 128, owners);
  check_complete_and_balanced(after, 7);
  for (const auto& [p, w] : partition_owners(after))
    if (owners[p] != 2) // partitions of the survivors stay put
      CHECK(w == owners[p]);
}

TEST_CASE("more workers than partitions leaves some without partitions") {
  auto shares = assign_work({{1, 1}, {2, 1}, {3, 1}}, 2, 128, {});
  check_complete_and_balanced(shares, 2);
  size_t empty = 0;
  for (const auto& s : shares)
    empty += s.partitions.empty() ? 1 : 0;
  CHECK(empty == 1);
}

TEST_CASE("no workers, no shares") {
  CHECK(assign_work({}, 4, 128, {}).empty());
}


TEST_CASE("the cluster plan places owners and sources on their workers") {
  auto shares = assign_work({{1, 2}, {2, 1}}, 5, 96, {});
  auto plan = make_cluster_plan(shares, 96);
  REQUIRE(plan.owner_ranges.size() == 3);
  CHECK(plan.owner_placement == std::vector<uint32_t>{0, 0, 1});
  CHECK(plan.owner_ranges.front().first == 0);
  CHECK(plan.owner_ranges.back().last == 96);
  // worker 1 (2 slots) reads its partitions in 2 tasks, worker 2 in 1
  CHECK(plan.source_placement == std::vector<uint32_t>{0, 0, 1});
  size_t partitions = 0;
  for (const auto& p : plan.source_partitions)
    partitions += p.size();
  CHECK(partitions == 5);
  CHECK(plan.source_partitions[2] == shares[1].partitions);
}

TEST_CASE("a cluster of one has the shape of job.parallelism and job.source-parallelism") {
  // `run`: one worker with max(sources, owners) slots, the owners given,
  // the sources capped; partitions round-robin over the source tasks.
  const uint32_t sources = source_task_count(7, 3);
  CHECK(sources == 3);
  auto shares = assign_work({{1, std::max(sources, 2u)}}, 7, 128, {}, 2);
  auto plan = make_cluster_plan(shares, 128, sources);
  CHECK(plan.source_partitions
        == std::vector<std::vector<int32_t>>{{0, 3, 6}, {1, 4}, {2, 5}});
  REQUIRE(plan.owner_ranges.size() == 2);
  CHECK(plan.owner_ranges[0].last == 64);
  // job.source-parallelism 1 of 4 partitions: one task reads them all.
  auto one = make_cluster_plan(assign_work({{1, 2}}, 4, 128, {}, 2), 128,
                               source_task_count(4, 1));
  CHECK(one.source_partitions
        == std::vector<std::vector<int32_t>>{{0, 1, 2, 3}});
  // Defaults: one task per partition, at most four.
  CHECK(source_task_count(10, 0) == 4);
  CHECK(source_task_count(2, 0) == 2);
  CHECK(source_task_count(0, 0) == 1);
}

TEST_CASE("an explicit owner count (rescaling) spreads owners by slots") {
  auto shares = assign_work({{1, 1}, {2, 3}}, 4, 128, {}, 8);
  REQUIRE(shares.size() == 2);
  CHECK(shares[0].key_groups.size() == 2); // a quarter of the slots
  CHECK(shares[1].key_groups.size() == 6);
  auto plan = make_cluster_plan(shares, 128);
  REQUIRE(plan.owner_ranges.size() == 8);
  CHECK(plan.owner_ranges.front().first == 0);
  CHECK(plan.owner_ranges.back().last == 128);
  for (size_t i = 1; i < plan.owner_ranges.size(); ++i)
    CHECK(plan.owner_ranges[i].first == plan.owner_ranges[i - 1].last);
  // More owners than key groups is capped.
  auto capped = assign_work({{1, 1}}, 1, 4, {}, 9);
  CHECK(capped[0].key_groups.size() == 4);
}

} // TEST_SUITE
