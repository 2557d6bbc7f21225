#include "coordinator/checkpoint/checkpoint_builder.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("coordinator.checkpoint_builder") {
  TEST_CASE("complete once every source, owner, the combiner and every sink took part") {
    checkpoint_builder b{4, false, 0, {"job", "layout", 128}, {2, 2, true, 1}};
    CHECK_FALSE(b.complete());
    CHECK(b.missing() == "2 source(s), 2 owner(s), 1 UV combiner, 1 sink(s) still writing");
    b.add(source_checkpoint{4, 0, {{0, 10, 5, false}}});
    b.add(source_checkpoint{4, 0, {{0, 99, 5, false}}}); // duplicate
    b.add(source_checkpoint{3, 1, {{1, 10, 5, false}}}); // other checkpoint
    b.add(source_checkpoint{4, 1, {{1, 20, 5, false}, {2, 30, 6, false}}});
    b.add(owner_checkpoint{4, 0, {{0, 64}, 5000}, {key_group_snapshot{3, {}, {{"A", 1}}, {}, {}}}});
    b.add(owner_checkpoint{4, 1, {{64, 128}, 7000}, {}});
    b.add(combiner_checkpoint{4, {}});
    CHECK(b.missing() == "1 sink(s) still writing");
    CHECK_FALSE(b.complete());
    b.add_sink_ack();
    CHECK(b.complete());
    const auto& d = b.data();
    CHECK(d.id == 4);
    CHECK(d.job == "job");
    CHECK(d.state_layout == "layout");
    CHECK(d.job_fingerprint != 0);
    REQUIRE(d.partitions.size() == 3);
    CHECK(d.partitions[0].next_offset == 10);
    CHECK(d.unresolved.empty());
    CHECK(d.groups.size() == 1);
    CHECK(d.combiner.size() == 1);
    // A new owner starts from the lowest watermark of the old ranges it covers.
    CHECK(watermark_floor_for(d, {0, 32}) == 5000);
    CHECK(watermark_floor_for(d, {64, 100}) == 7000);
    CHECK(watermark_floor_for(d, {60, 70}) == 5000);
    CHECK(watermark_floor_for(checkpoint_data{}, {0, 8}) == min_event_time);
  }

  TEST_CASE("without UV there is no combiner to wait for") {
    checkpoint_builder b{1, true, 0, {"job", "layout", 8}, {1, 1, false, 1}};
    b.add(source_checkpoint{1, 0, {}});
    b.add(owner_checkpoint{1, 0, {}, {}});
    b.add_sink_ack();
    CHECK(b.complete());
    CHECK(b.savepoint());
  }

  TEST_CASE("restoring splits by partition and key group, whatever the new layout") {
    checkpoint_data d;
    d.key_group_count = 8;
    d.partitions = {{0, 1, 0, false}, {1, 2, 0, false}, {2, 3, 0, false}};
    for (key_group g : {0u, 3u, 4u, 7u}) {
      key_group_snapshot s;
      s.group = g;
      d.groups.push_back(s);
    }
    auto parts = partitions_for(d, {2, 0});
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].partition == 0);
    CHECK(parts[1].partition == 2);
    auto groups = groups_for(d, key_group_range{3, 7});
    REQUIRE(groups.size() == 2);
    CHECK(groups[0].group == 3);
    CHECK(groups[1].group == 4);
  }

  TEST_CASE("a checkpoint of another key-group count is not restorable") {
    checkpoint_data d;
    d.id = 9;
    d.key_group_count = 64;
    std::string error;
    const checkpointed_job job{"job", "results=a; hour=3600s", 128};
    CHECK_FALSE(restorable(d, job, true, error));
    CHECK(error.find("64 key groups") != std::string::npos);
    d.key_group_count = 128;
    CHECK(restorable(d, job, true, error));
  }

  TEST_CASE("a checkpoint of other windows or results is not restorable") {
    checkpoint_builder b{3, true, 0, {"job", "results=a; hour=60s", 8}, {0, 0, false, 0}};
    const auto& d = b.data();
    std::string error;
    CHECK(restorable(d, {"renamed job", "results=a; hour=60s", 8}, false, error));
    CHECK_FALSE(restorable(d, {"job", "results=a; hour=3600s", 8}, false, error));
    CHECK(error == "savepoint 3 holds state of other windows or results "
                   "(results=a; hour=60s); this job keeps results=a; hour=3600s");
    // Format version 2 files carry no layout and restore as before.
    checkpoint_data old = d;
    old.job_fingerprint = 0;
    old.state_layout.clear();
    CHECK(restorable(old, {"job", "results=a; hour=3600s", 8}, false, error));
  }
}
