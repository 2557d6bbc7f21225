#include "tools/cluster/cluster_support.hpp"

#include "common/config/cluster_options.hpp"
#include "common/config/job_options.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

namespace {

settings worker_settings(std::vector<std::string> args) {
  auto resolved = resolve_settings(worker_options(), args,
                                   [](const std::string&) {
                                     return std::optional<std::string>{};
                                   });
  REQUIRE(resolved.values);
  return *resolved.values;
}

} // namespace

TEST_SUITE("tools.cluster_support") {

TEST_CASE("host:port addresses are split and checked") {
  auto a = split_host_port("jobmanager:6123");
  REQUIRE(a);
  CHECK(a->first == "jobmanager");
  CHECK(a->second == 6123);
  CHECK(split_host_port("[::1]:80")->first == "[::1]");
  for (const char* bad : {"jobmanager", ":6123", "host:", "host:0", "host:65536",
                          "host:12x", "host:123456"})
    CHECK_FALSE(split_host_port(bad));
}

TEST_CASE("the coordinator's settings apply, except a worker's own paths") {
  auto values = worker_settings({"--lookup.csv-path", "/srv/category.csv"});
  auto problem = apply_coordinator_settings(
    values, {"kafka.topic=clicks", "lookup.csv-path=data/category.csv",
             "sink.ndjson.dir=/coordinator/out"});
  CHECK_FALSE(problem);
  CHECK(values.get_string("kafka.topic") == "clicks");
  CHECK(values.get_string("lookup.csv-path") == "/srv/category.csv"); // kept
  CHECK(values.get_string("sink.ndjson.dir") == "/coordinator/out"); // not set here
}

TEST_CASE("settings a worker cannot apply are explained") {
  auto values = worker_settings({});
  CHECK(apply_coordinator_settings(values, {"no-equals-sign"})
          ->find("malformed") != std::string::npos);
  CHECK(apply_coordinator_settings(values, {"kafka.nonsense=1"})
          ->find("does not know") != std::string::npos);
  CHECK(apply_coordinator_settings(values, {"job.parallelism=0"})
          ->find("job.parallelism") != std::string::npos);
}

TEST_CASE("secrets and node-local paths are the node's own") {
  const auto& o = worker_options();
  CHECK(is_node_local_option(*o.find("sink.es.password")));
  CHECK(is_node_local_option(*o.find("lookup.csv-path")));
  CHECK(is_node_local_option(*o.find("sink.ndjson.dir")));
  CHECK(is_node_local_option(*o.find("sink.es.password-file")));
  CHECK_FALSE(is_node_local_option(*o.find("kafka.topic")));
  CHECK_FALSE(is_node_local_option(*o.find("event-time.watermark-delay")));
}

TEST_CASE("shared job settings leave secrets out and cover the rest") {
  auto values = worker_settings({"--kafka.topic", "clicks"});
  auto lines = shareable_job_settings(values, job_config{});
  bool topic = false;
  for (const auto& line : lines) {
    for (const auto& spec : job_options().specs())
      if (spec.secret)
        CHECK(line.rfind(spec.key + "=", 0) == std::string::npos);
    topic = topic || line == "kafka.topic=clicks";
  }
  CHECK(topic);
  // What one node shares, another applies unchanged.
  auto other = worker_settings({});
  CHECK_FALSE(apply_coordinator_settings(other, lines));
  CHECK(other.get_string("kafka.topic") == "clicks");
}

} // TEST_SUITE
