// Every message of the actor protocol survives CAF's binary serialization,
// which is what crossing a process boundary through the middleman does.

#include "common/protocol/type_ids.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>

#include <doctest/doctest.h>

using namespace ubaflow;

namespace {

struct system_fixture {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  system_fixture() {
    config.add_message_types<caf::id_block::ubaflow>();
    system = std::make_unique<caf::actor_system>(config);
  }

  template <class T>
  T round_trip(T value) {
    std::vector<char> bytes;
    caf::binary_serializer out{*system, bytes};
    REQUIRE_FALSE(out(value));
    T copy;
    caf::binary_deserializer in{*system, bytes};
    REQUIRE_FALSE(in(copy));
    return copy;
  }
};

} // namespace

TEST_SUITE("protocol") {
  TEST_CASE_FIXTURE(system_fixture, "partial batches keep every field") {
    partial_batch b;
    b.source = 3;
    b.sequence = 42;
    b.watermark = 1511661600000;
    b.idle = true;
    b.end_of_input = false;
    b.barrier = 9;
    b.sql = {"", std::string("\0partials\xff", 10)};
    auto c = round_trip(b);
    CHECK(c.source == 3);
    CHECK(c.sequence == 42);
    CHECK(c.watermark == 1511661600000);
    CHECK(c.idle);
    CHECK(c.barrier == 9);
    CHECK(c.sql == b.sql);
  }

  TEST_CASE_FIXTURE(system_fixture, "results, reports and status") {
    result_row row{"top_category", "Books", "{\"buy_cnt\":3}"};
    auto r = round_trip(row);
    CHECK(r.index == "top_category");
    CHECK(r.id == "Books");
    CHECK(r.document == "{\"buy_cnt\":3}");

    uv_report report;
    report.slices = {{true, 0, 600000, {0, 64}, 12345, {{3, 12000}, {40, 345}}}};
    report.progress = {{0, 64}, 599999, true};
    auto u = round_trip(report);
    REQUIRE(u.slices.size() == 1);
    CHECK(u.slices[0].daily);
    CHECK(u.slices[0].range == key_group_range{0, 64});
    CHECK(u.slices[0].users == 12345);
    CHECK(u.progress.final);

    job_status status;
    status.name = "job";
    status.sources.resize(2);
    status.sources[1].rejects_by_reason = {0, 4};
    status.sources[1].partitions = {{7, 100, 200, 5, false, true}};
    status.sinks.resize(1);
    status.sinks[0].last_error = "boom";
    status.sinks[0].samples = {
      {"ubaflow_sink_healthy", {{"sink", "es"}}, 0}};
    auto s = round_trip(status);
    CHECK(s.name == "job");
    CHECK(s.sources[1].rejects_by_reason[1] == 4);
    CHECK(s.sources[1].partitions[0].partition == 7);
    CHECK(s.sources[1].partitions[0].finished);
    CHECK(s.sinks[0].last_error == "boom");
    REQUIRE(s.sinks[0].samples.size() == 1);
    CHECK(s.sinks[0].samples[0].name == "ubaflow_sink_healthy");
    CHECK(s.sinks[0].samples[0].labels[0].value == "es");
  }

  TEST_CASE_FIXTURE(system_fixture, "message types are registered by name") {
    // The middleman resolves types by these names on the receiving side.
    CHECK(system->types().portable_name(
            caf::make_rtti_pair<partial_batch>())
          == "ubaflow::partial_batch");
  }
}
