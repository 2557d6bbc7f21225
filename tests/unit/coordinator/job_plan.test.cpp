#include "coordinator/cluster/assignment.hpp"
#include "coordinator/job_plan.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <vector>

using namespace ubaflow;

namespace {

/// The plan of a cluster of one (`ubaflow run`), shaped as run_command
/// shapes it: one worker with max(sources, owners) slots, `parallelism`
/// owners, at most `source_task_count` source tasks.
job_plan plan_of_one(int32_t partitions, uint32_t source_parallelism,
                     uint32_t parallelism, uint32_t key_groups,
                     uint32_t default_max_sources = 4) {
  const uint32_t sources = source_task_count(partitions, source_parallelism,
                                             default_max_sources);
  const uint32_t slots = std::max(sources, parallelism);
  auto shares = assign_work({{1, slots}}, partitions, key_groups, {},
                            parallelism);
  return make_cluster_plan(shares, key_groups, sources);
}

} // namespace

TEST_SUITE("job_plan") {
  TEST_CASE("partitions are spread round-robin over the source tasks") {
    auto plan = plan_of_one(7, 3, 2, 128);
    CHECK(plan.source_partitions
          == std::vector<std::vector<int32_t>>{{0, 3, 6}, {1, 4}, {2, 5}});
    CHECK(plan.key_groups == 128);
  }

  TEST_CASE("source parallelism 0 means one per partition, at most the default cap") {
    CHECK(plan_of_one(3, 0, 1, 128).source_partitions.size() == 3);
    CHECK(plan_of_one(4, 0, 1, 128).source_partitions.size() == 4);
    auto plan = plan_of_one(10, 0, 1, 128);
    CHECK(plan.source_partitions.size() == 4);
    CHECK(plan.source_partitions[0] == std::vector<int32_t>{0, 4, 8});
    CHECK(plan.source_partitions[3] == std::vector<int32_t>{3, 7});
    CHECK(plan_of_one(10, 0, 1, 128, 6).source_partitions.size() == 6);
  }

  TEST_CASE("never more source tasks than partitions, never fewer than one") {
    CHECK(plan_of_one(2, 8, 1, 128).source_partitions.size() == 2);
    CHECK(source_task_count(2, 8) == 2);
    CHECK(source_task_count(0, 0) == 1);
    CHECK(source_task_count(0, 3) == 1);
  }

  TEST_CASE("every partition is read by exactly one task") {
    for (int32_t partitions : {1, 2, 5, 16, 33}) {
      for (uint32_t sources : {0u, 1u, 3u, 8u, 40u}) {
        auto plan = plan_of_one(partitions, sources, 1, 128);
        std::multiset<int32_t> seen;
        for (const auto& task : plan.source_partitions) {
          CHECK_FALSE(task.empty());
          seen.insert(task.begin(), task.end());
        }
        CHECK(seen.size() == static_cast<size_t>(partitions));
        for (int32_t p = 0; p < partitions; ++p)
          CHECK(seen.count(p) == 1);
      }
    }
  }

  TEST_CASE("owners get contiguous key-group ranges covering all key groups") {
    for (uint32_t groups : {1u, 7u, 128u, 1000u}) {
      for (uint32_t parallelism : {1u, 2u, 3u, 7u}) {
        if (parallelism > groups)
          continue;
        auto plan = plan_of_one(4, 0, parallelism, groups);
        REQUIRE(plan.owner_ranges.size() == parallelism);
        key_group next = 0;
        for (size_t i = 0; i < plan.owner_ranges.size(); ++i) {
          CHECK(plan.owner_ranges[i].first == next);
          CHECK_FALSE(plan.owner_ranges[i].empty());
          CHECK(plan.owner_ranges[i] == range_for_owner(static_cast<uint32_t>(i),
                                                        parallelism, groups));
          next = plan.owner_ranges[i].last;
        }
        CHECK(next == groups);
      }
    }
  }

  TEST_CASE("the same inputs always give the same plan") {
    auto a = plan_of_one(12, 5, 3, 128);
    auto b = plan_of_one(12, 5, 3, 128);
    CHECK(a.source_partitions == b.source_partitions);
    CHECK(a.owner_ranges == b.owner_ranges);
    CHECK(a.source_placement == b.source_placement);
    CHECK(a.owner_placement == b.owner_placement);
    CHECK(describe(a) == describe(b));
  }

  TEST_CASE("describe") {
    CHECK(describe(plan_of_one(3, 2, 2, 128))
          == "2 source task(s) [0,2; 1], 2 owner(s) [0-63, 64-127] of 128 key groups");
  }
}
