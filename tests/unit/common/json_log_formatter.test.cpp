#include "common/util/json_log_formatter.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("json_log_formatter") {
  TEST_CASE("one object per line: UTC time, level, component as logger, fields") {
    // 2026-12-02 14:35:00.123 UTC
    const auto line = json_log_formatter::render(1796222100123, "warning",
                                                 "kafka: 127.0.0.1:9092/1: Connect failed",
                                                 42, 7);
    auto doc = boost::json::parse(line).as_object();
    CHECK(doc.at("time").as_string() == "2026-12-02T14:35:00.123Z");
    CHECK(doc.at("level").as_string() == "warning");
    CHECK(doc.at("logger").as_string() == "kafka");
    CHECK(doc.at("message").as_string() == "127.0.0.1:9092/1: Connect failed");
    CHECK(doc.at("fields").as_object().at("pid").as_int64() == 42);
    CHECK(doc.at("fields").as_object().at("thread").as_int64() == 7);
  }

  TEST_CASE("no component: the logger is ubaflow; quotes, newlines, bad UTF-8 stay valid JSON") {
    const auto line = json_log_formatter::render(0, "info",
                                                 "job 'x' said \"hi\"\nnext: \xff", 1, 1);
    CHECK(line.find('\n') == std::string::npos);
    auto doc = boost::json::parse(line).as_object();
    CHECK(doc.at("time").as_string() == "1970-01-01T00:00:00.000Z");
    CHECK(doc.at("logger").as_string() == "ubaflow");
    CHECK(std::string{doc.at("message").as_string()}.find("\"hi\"\nnext") != std::string::npos);
    // Not a component: upper case, spaces, too long.
    for (const char* text : {"Kafka: x", "the job: x", "abcdefghijklmnopqrstuvwxyzabcdefghijk: x"})
      CHECK(boost::json::parse(json_log_formatter::render(0, "info", text, 1, 1))
              .as_object().at("logger").as_string() == "ubaflow");
  }
}
