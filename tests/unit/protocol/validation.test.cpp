#include "common/protocol/validation.hpp"

#include "common/protocol/reject_reason.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("protocol.validation") {

TEST_CASE("a partial batch fits its owner's inputs and the job's queries") {
  partial_batch b;
  b.source = 1;
  CHECK_FALSE(check_batch(b, 2, 3)); // watermark only
  b.source = 2;
  CHECK(check_batch(b, 2, 3));       // no such input
  b.source = 0;
  b.sql = {"", "x"};
  CHECK_FALSE(check_batch(b, 1, 2)); // decoded later, by the owner
  CHECK(check_batch(b, 1, 3));       // another number of queries
}

TEST_CASE("result rows have a valid index name and bounded sizes") {
  CHECK_FALSE(check_rows({{"top_category", "id", "{}"}}));
  CHECK_FALSE(check_rows({{"pv-uv.per+hour2", "id", "{}"}}));
  CHECK(check_rows({{"", "id", "{}"}}));
  CHECK(check_rows({{"../etc", "id", "{}"}}));
  CHECK(check_rows({{"a/b", "id", "{}"}}));
  CHECK(check_rows({{"Upper", "id", "{}"}}));
  CHECK(check_rows({{"_hidden", "id", "{}"}}));
  CHECK(check_rows({{"..", "id", "{}"}}));
  CHECK(check_rows({{std::string(201, 'i'), "id", "{}"}}));
  CHECK(check_rows({{"top_category", "", "{}"}}));
  CHECK(check_rows({{"top_category", std::string(600, 'i'), "{}"}}));
}

TEST_CASE("UV reports and checkpoint parts stay within the job's key groups") {
  uv_report r;
  r.owner = 1;
  r.progress.range = {64, 128};
  CHECK_FALSE(check_report(r, 2, 128));
  CHECK(check_report(r, 1, 128));
  r.progress.range = {64, 200};
  CHECK(check_report(r, 2, 128));
  owner_checkpoint o;
  o.owner = 0;
  o.watermark.range = {0, 64};
  key_group_snapshot g;
  g.group = 63;
  o.groups = {g};
  CHECK_FALSE(check_part(o, 2, 128));
  o.groups[0].group = 64;
  CHECK(check_part(o, 2, 128));
  combiner_checkpoint c;
  c.state.progress.assign(128, 0);
  c.state.final.assign(128, '\0');
  CHECK_FALSE(check_part(c, 128));
  c.state.final.assign(7, '\0');
  CHECK(check_part(c, 128));
  source_checkpoint s;
  s.source = 3;
  CHECK(check_part(s, 3));
}

TEST_CASE("deployments name ranges, inputs and partitions that make sense") {
  owner_deployment o;
  o.range = {0, 64};
  o.inputs = 2;
  o.coordinator = caf::actor{};
  CHECK(check_deployment(o, 128)); // no coordinator, no sinks
  source_deployment s;
  s.partitions = {0, -1};
  s.owner_ranges = {{0, 128}};
  CHECK(check_deployment(s, 128));
  s.partitions = {0};
  s.restore = {{5, 0, 0, false}};
  CHECK(check_deployment(s, 128));
  combiner_deployment c;
  c.owner_ranges = {{0, 4096}};
  CHECK(check_deployment(c, 128));
  sink_deployment k;
  CHECK(check_deployment(k));
}

TEST_CASE("task statuses carry a bounded number of well-formed samples") {
  const metric_sample rejected{
    "ubaflow_records_rejected_total", {{"source", "0"}, {"reason", "x"}}, 3};
  source_status source;
  source.rejects_by_reason.assign(reject_reason_count, 0);
  source.samples.assign(25, rejected);
  CHECK_FALSE(check_status(source));
  source.samples.assign(max_status_samples + 1, rejected);
  REQUIRE(check_status(source));
  CHECK(check_status(source)->find("at most 256") != std::string::npos);
  source.samples = {rejected};
  source.samples[0].labels.assign(max_sample_labels + 1, {"l", "v"});
  CHECK(check_status(source));
  source.samples = {rejected};
  source.samples[0].labels[0].value.assign(max_sample_text_bytes + 1, 'v');
  CHECK(check_status(source));
  source.samples = {rejected};
  source.samples[0].name.clear();
  CHECK(check_status(source));
  source.samples.clear();
  source.rejects_by_reason.assign(reject_reason_count + 1, 0);
  CHECK(check_status(source));
  source.rejects_by_reason.clear();
  source.lookup_error.assign(max_status_text_bytes + 1, 'e');
  CHECK(check_status(source));

  // An owner may add one sample per key group it owns.
  owner_status owner;
  owner.first_key_group = 0;
  owner.last_key_group = 1024;
  owner.samples.assign(max_status_samples + 1024, rejected);
  CHECK_FALSE(check_status(owner, 1024));
  owner.samples.push_back(rejected);
  CHECK(check_status(owner, 1024));
  owner.samples.clear();
  CHECK(check_status(owner, 512)); // range beyond the job's key groups
  owner.last_key_group = 0;
  CHECK(check_status(owner, 1024)); // empty range

  sink_status sink;
  sink.name = "elasticsearch";
  CHECK_FALSE(check_status(sink));
  sink.name.assign(max_sample_text_bytes + 1, 'n');
  CHECK(check_status(sink));
}

} // TEST_SUITE
