#include "coordinator/process/progress.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

namespace {

/// Two sources whose metric-only figures arrive as probe samples.
job_status two_sources() {
  job_status st;
  st.name = "job";
  st.state = "running";
  for (uint32_t i = 0; i < 2; ++i) {
    source_status s;
    s.index = i;
    s.records_in = 1000;
    s.accepted = 990;
    const std::vector<metric_label> source{{"source", std::to_string(i)}};
    s.samples = {{"ubaflow_lookup_failures_total", source, 2},
                 {"ubaflow_kafka_brokers_down", source, i == 1 ? 1.0 : 0.0}};
    st.sources.push_back(s);
  }
  return st;
}

} // namespace

TEST_SUITE("coordinator.progress") {
  TEST_CASE("totals read the metric-only figures from the probe samples") {
    const auto t = sum_up(two_sources());
    CHECK(t.records == 2000);
    CHECK(t.accepted == 1980);
    CHECK(t.kafka_down);
  }

  TEST_CASE("the progress line and the summary show them") {
    const auto t = sum_up(two_sources());
    const auto line = progress_line(t, job_totals{}, 1, 1);
    CHECK(line.find("KAFKA UNREACHABLE") != std::string::npos);
    const auto text = summary(two_sources(), 2);
    CHECK(text.find("2,000 read, 1,980 accepted") != std::string::npos);
  }

  TEST_CASE("a failing read of the dimensions shows its error") {
    auto st = two_sources();
    for (auto& s : st.sources)
      s.samples.clear();
    st.sources[1].lookup_error = "waiting for the dimensions: MySQL is down";
    const auto line = progress_line(sum_up(st), job_totals{}, 1, 1);
    CHECK(line.find("LOOKUP RETRYING (waiting for the dimensions: MySQL is down)")
          != std::string::npos);
    st.sources[1].lookup_error.clear();
    CHECK(progress_line(sum_up(st), job_totals{}, 1, 1).find("LOOKUP")
          == std::string::npos);
  }

  TEST_CASE("the problems, by kind, as the progress line and /ubaflow/health show them") {
    auto st = two_sources();
    st.sources[0].lookup_error = "category_dim: MySQL is down";
    auto t = sum_up(st);
    t.checkpoints.failed = 2;
    checkpoint_record failed;
    failed.id = 7;
    failed.failure = "timed out";
    t.checkpoints.history = {failed};
    t.sinks_healthy = false;
    t.sink_error = "es: 503";
    const auto problems = job_problems(t);
    REQUIRE(problems.size() == 4);
    CHECK(problems[0].kind == "checkpoints");
    CHECK(problems[0].text == "CHECKPOINT 7 FAILED (timed out)");
    CHECK(problems[1].kind == "kafka");
    CHECK(problems[2].kind == "sink");
    CHECK(problems[2].text == "SINK RETRYING (es: 503)");
    CHECK(problems[3].kind == "lookup");
    const auto line = progress_line(t, job_totals{}, 1, 1);
    CHECK(line.find(" | 2 CHECKPOINT(S) FAILED") != std::string::npos);
    for (size_t i = 1; i < problems.size(); ++i)
      CHECK(line.find(" | " + problems[i].text) != std::string::npos);
    // A checkpoint completed since: the failure is no problem now.
    checkpoint_record done;
    done.id = 8;
    done.completed = true;
    t.checkpoints.history.push_back(done);
    CHECK(job_problems(t)[0].kind == "kafka");
    CHECK(job_problems(job_totals{}).empty());
  }

  TEST_CASE("the summary counts late records by query") {
    auto st = two_sources();
    for (uint32_t i = 0; i < 2; ++i) {
      auto& s = st.sources[i];
      s.late_records = 7;
      const std::string source = std::to_string(i);
      s.samples.push_back({"ubaflow_late_records_total",
                           {{"source", source}, {"query", "2"}, {"sink", "uv"}}, 3});
      s.samples.push_back({"ubaflow_late_records_total",
                           {{"source", source}, {"query", "10"}, {"sink", "daily"}}, 4});
      s.samples.push_back({"ubaflow_late_records_total",
                           {{"source", source}, {"query", "1"}, {"sink", "hourly"}}, 0});
    }
    const auto text = summary(st, 2);
    // In query order (10 after 2), queries without late records left out.
    CHECK_MESSAGE(text.find("late         14 late for a window of a query (counted per "
                            "query: 2 uv 6, 10 daily 8)")
                    != std::string::npos,
                  text);
    CHECK(text.find("hourly") == std::string::npos);
    const auto line = progress_line(sum_up(st), job_totals{}, 1, 1);
    CHECK_MESSAGE(line.find("| late 14 |") != std::string::npos, line);
  }
}
