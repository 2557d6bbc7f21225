#include "worker/parse/reject_log.hpp"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

/// Captures what spdlog's default logger writes while it lives.
class log_capture {
public:
  log_capture() {
    previous_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out_);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~log_capture() { spdlog::set_default_logger(previous_); }

  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);)
      out.push_back(line);
    return out;
  }

private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

const parse_status bad_json{reject_reason::malformed_record, "json"};
const parse_status bad_ts{reject_reason::invalid_timestamp, "field 'ts'"};

} // namespace

TEST_SUITE("reject_log") {
  TEST_CASE("reject_counts") {
    reject_counts a;
    CHECK(a.total() == 0);
    a.add(reject_reason::invalid_id);
    a.add(reject_reason::invalid_id, 4);
    a.add(reject_reason::missing_field);
    CHECK(a[reject_reason::invalid_id] == 5);
    CHECK(a[reject_reason::missing_field] == 1);
    CHECK(a[reject_reason::malformed_record] == 0);
    CHECK(a.total() == 6);
    reject_counts b;
    b.add(reject_reason::invalid_id, 2);
    b.add(reject_reason::timestamp_out_of_range, 3);
    a += b;
    CHECK(a[reject_reason::invalid_id] == 7);
    CHECK(a[reject_reason::timestamp_out_of_range] == 3);
    CHECK(a.total() == 11);
    // `none` is not a rejection.
    a.add(reject_reason::none, 100);
    CHECK(a.total() == 11);
  }

  TEST_CASE("every record is counted by reason") {
    log_capture capture;
    reject_log log;
    for (int i = 0; i < 1000; ++i)
      log.record(bad_json, "{", "test.json@" + std::to_string(i), 0);
    for (int i = 0; i < 7; ++i)
      log.record(bad_ts, "{\"ts\":1}", "test.json@" + std::to_string(i), 0);
    CHECK(log.counts()[reject_reason::malformed_record] == 1000);
    CHECK(log.counts()[reject_reason::invalid_timestamp] == 7);
    CHECK(log.counts()[reject_reason::invalid_id] == 0);
    CHECK(log.counts().total() == 1007);
  }

  TEST_CASE("logging samples: the first few, then one per interval per reason") {
    log_capture capture;
    reject_log log{3, 10'000};
    for (int i = 0; i < 10; ++i)
      log.record(bad_json, "not json",
                 "user_behavior[2]@" + std::to_string(100 + i), 1'000);
    auto lines = capture.lines();
    REQUIRE(lines.size() == 3);
    CHECK(lines[0]
          == "rejected record (malformed_record: json) at user_behavior[2]@100: not json");
    CHECK(lines[2].find("@102:") != std::string::npos);

    // Another reason has its own budget.
    log.record(bad_ts, "{\"ts\":\"x\"}", "user_behavior[0]@5", 1'500);
    lines = capture.lines();
    REQUIRE(lines.size() == 4);
    CHECK(lines[3].find("invalid_timestamp: field 'ts'") != std::string::npos);

    // Still inside the interval: suppressed.
    log.record(bad_json, "late", "user_behavior[2]@200", 10'999);
    CHECK(capture.lines().size() == 4);
    // The interval has passed: one line noting how many were not logged.
    log.record(bad_json, "again", "user_behavior[2]@201", 11'000);
    lines = capture.lines();
    REQUIRE(lines.size() == 5);
    CHECK(lines[4]
          == "rejected record (malformed_record: json) at user_behavior[2]@201: "
             "again (8 more of this kind not logged)");
    log.record(bad_json, "x", "user_behavior[2]@202", 11'001);
    CHECK(capture.lines().size() == 5);
    CHECK(log.counts()[reject_reason::malformed_record] == 13);
  }

  TEST_CASE("payload previews are escaped and bounded") {
    log_capture capture;
    reject_log log{1};
    log.record(bad_json, std::string(500, 'x') + "\n", "src@0", 0);
    log.record(bad_ts, "a\nb\x01\xff", "src@1", 0);
    auto lines = capture.lines();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].find(std::string(200, 'x') + "...(501 bytes)") != std::string::npos);
    CHECK(lines[0].find(std::string(201, 'x')) == std::string::npos);
    CHECK(lines[1].find("a\\x0ab\\x01\\xff") != std::string::npos);
  }
}
