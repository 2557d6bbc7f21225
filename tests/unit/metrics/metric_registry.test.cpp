#include "common/metrics/metric_catalogue.hpp"
#include "common/metrics/metric_probe.hpp"
#include "common/metrics/metric_registry.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos
         || text.rfind(line + "\n", 0) == 0;
}

} // namespace

TEST_SUITE("metrics.probe") {
  TEST_CASE("a probe labels its samples and refuses what the catalogue lacks") {
    metric_probe probe{{{"source", "2"}}};
    probe.publish("ubaflow_lookup_failures_total", 7);
    probe.publish("ubaflow_records_rejected_total", 3, {{"reason", "bad_time"}});
    probe.publish("ubaflow_no_such_metric", 1);
    probe.publish("ubaflow_state_bytes", 1); // lacks owner and key_groups
    CHECK(probe.refused() == 2);
    const auto samples = probe.take();
    REQUIRE(samples.size() == 2);
    CHECK(samples[0].name == "ubaflow_lookup_failures_total");
    CHECK(samples[0].labels.size() == 1);
    CHECK(samples[0].value == 7);
    CHECK(samples[1].labels.size() == 2);
    CHECK(probe.take().empty());
    CHECK(sum_of(samples, "ubaflow_records_rejected_total") == 3);
  }

  TEST_CASE("check_sample names what is wrong") {
    CHECK(check_sample({"ubaflow_sink_healthy", {{"sink", "es"}}, 1}).empty());
    CHECK(check_sample({"ubaflow_sink_healthy", {}, 1})
          == "ubaflow_sink_healthy lacks its label sink");
    CHECK(check_sample({"ubaflow_sink_healthy", {{"sink", "es"}, {"snik", "x"}}, 1})
          == "ubaflow_sink_healthy has no label snik");
    CHECK(check_sample({"ubaflow_sink_healthy", {{"sink", "es"}, {"sink", "x"}}, 1})
          == "ubaflow_sink_healthy has its label sink twice");
    CHECK(check_sample({"nope", {}, 1}) == "unknown metric nope");
    // a process may add its own labels where it says so
    const metric_sample refused{"ubaflow_cluster_refused_total",
                                {{"reason", "tls_handshake"}, {"worker", "w1"}}, 2};
    CHECK_FALSE(check_sample(refused).empty());
    CHECK(check_sample(refused, {"worker"}).empty());
  }

  TEST_CASE("a probe refuses a label the catalogue does not list") {
    metric_probe probe{{{"sink", "es"}}};
    probe.publish("ubaflow_sink_healthy", 1, {{"colour", "blue"}});
    CHECK(probe.refused() == 1);
    CHECK(probe.take().empty());
  }
}

TEST_SUITE("metrics.registry") {
  TEST_CASE("families are registered once; children follow the samples") {
    metric_registry registry{metric_home::coordinator};
    auto text = registry.publish({{"ubaflow_sink_healthy", {{"sink", "es"}}, 1},
                                  {"ubaflow_sink_healthy", {{"sink", "nd"}}, 0}});
    CHECK(text.find("# TYPE ubaflow_sink_healthy gauge") != std::string::npos);
    CHECK(has_line(text, "ubaflow_sink_healthy{sink=\"es\"} 1"));
    CHECK(has_line(text, "ubaflow_sink_healthy{sink=\"nd\"} 0"));
    // the next scrape without "nd" (e.g. after a rescale) drops its series
    text = registry.publish({{"ubaflow_sink_healthy", {{"sink", "es"}}, 0}});
    CHECK(has_line(text, "ubaflow_sink_healthy{sink=\"es\"} 0"));
    CHECK(text.find("sink=\"nd\"") == std::string::npos);
  }

  TEST_CASE("counters take absolute values and restart when they go down") {
    metric_registry registry{metric_home::coordinator};
    const auto written = [](double v) {
      return std::vector<metric_sample>{
        {"ubaflow_sink_rows_written_total", {{"sink", "es"}}, v}};
    };
    CHECK(has_line(registry.publish(written(10)),
                   "ubaflow_sink_rows_written_total{sink=\"es\"} 10"));
    CHECK(has_line(registry.publish(written(25)),
                   "ubaflow_sink_rows_written_total{sink=\"es\"} 25"));
    CHECK(has_line(registry.publish(written(4)),
                   "ubaflow_sink_rows_written_total{sink=\"es\"} 4"));
    CHECK(registry.publish(written(4)).find("# TYPE ubaflow_sink_rows_written_total counter")
          != std::string::npos);
  }

  TEST_CASE("a process exports only its own metrics") {
    metric_registry worker{metric_home::worker};
    const auto text = worker.publish(
      {{"ubaflow_worker_slots", {{"worker", "w1"}}, 2},
       {"ubaflow_sink_healthy", {{"sink", "es"}}, 1}});
    CHECK(has_line(text, "ubaflow_worker_slots{worker=\"w1\"} 2"));
    CHECK(text.find("ubaflow_sink_healthy") == std::string::npos);
    CHECK(text.find("flink_") == std::string::npos);
    CHECK(worker.dropped() == 1);
  }

  TEST_CASE("samples with other labels than the catalogue's are left out") {
    metric_registry coordinator{metric_home::coordinator};
    const auto text = coordinator.publish(
      {{"ubaflow_sink_healthy", {{"sink", "es"}, {"colour", "blue"}}, 1},
       {"ubaflow_cluster_refused_total",
        {{"reason", "tls_handshake"}, {"worker", "w1"}}, 1}});
    CHECK(text.find("ubaflow_sink_healthy{") == std::string::npos);
    CHECK(text.find("ubaflow_cluster_refused_total{") == std::string::npos);
    CHECK(coordinator.dropped() == 2);
    metric_registry worker{metric_home::worker, {"worker"}};
    CHECK(has_line(worker.publish({{"ubaflow_cluster_refused_total",
                                    {{"reason", "tls_handshake"}, {"worker", "w1"}},
                                    1}}),
                   "ubaflow_cluster_refused_total{reason=\"tls_handshake\",worker=\"w1\"} 1"));
  }
}
