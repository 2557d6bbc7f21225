#include "worker/source/kafka_log.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("source.kafka_log") {

TEST_CASE("a broker and the kind of message are read off librdkafka's lines") {
  CHECK(kafka_log_broker("127.0.0.1:9092/1: Connect to ipv4#127.0.0.1:9092 "
                         "failed: Connection refused (after 0ms in state "
                         "CONNECT)")
        == "127.0.0.1:9092");
  CHECK(kafka_log_broker("[thrd:127.0.0.1:9092/bootstrap]: 127.0.0.1:9092/1: "
                         "Disconnected (after 3191ms in state UP)")
        == "127.0.0.1:9092");
  CHECK(kafka_log_broker("sasl_plaintext://127.0.0.1:19092/bootstrap: SASL "
                         "authentication error: invalid credentials")
        == "127.0.0.1:19092");
  CHECK(kafka_log_broker("GroupCoordinator: 127.0.0.1:39487: Connect to "
                         "ipv4#127.0.0.1:39487 failed: Connection refused")
        == "127.0.0.1:39487");
  CHECK(kafka_log_broker("3/3 brokers are down").empty());
  CHECK(kafka_log_broker("Topic user_behavior: no such partition").empty());
  CHECK(kafka_log_kind("[thrd:x]: 127.0.0.1:9092/1: Connect failed: "
                       "Connection refused (after 3ms in state CONNECT, 4 "
                       "identical error(s) suppressed)")
        == "Connect failed: Connection refused");
  CHECK(kafka_log_text("[thrd:main]: 3/3 brokers are down")
        == "3/3 brokers are down");
}

TEST_CASE("a broker down is one line, a summary a minute, one line when back") {
  kafka_log_filter f{60'000};
  const char* refused = "127.0.0.1:9092/1: Connect to ipv4#127.0.0.1:9092 "
                        "failed: Connection refused (after 1ms in state "
                        "CONNECT)";
  auto first = f.on_log(3, "FAIL", "[thrd:127.0.0.1:9092/bootstrap]: "
                                   "127.0.0.1:9092/1: Disconnected (after "
                                   "3191ms in state UP)",
                        0);
  REQUIRE(first);
  CHECK(first->text.find("kafka: 127.0.0.1:9092/1: Disconnected") == 0);
  // Whatever else is said about the same broker, by the log or the error
  // callback, in whatever role, is counted.
  CHECK_FALSE(f.on_log(3, "FAIL", refused, 10));
  CHECK_FALSE(f.on_log(4, "_TRANSPORT", "127.0.0.1:9092/1: Disconnected", 20));
  CHECK_FALSE(f.on_log(3, "FAIL", "GroupCoordinator: 127.0.0.1:9092: Connect "
                                  "failed",
                       30));
  for (int64_t t = 1000; t < 60'000; t += 1000)
    CHECK_FALSE(f.on_log(3, "FAIL", refused, t));
  auto summary = f.on_log(3, "FAIL", refused, 61'000);
  REQUIRE(summary);
  CHECK(summary->text.find("63 more such messages") != std::string::npos);
  // Another broker is news; the first one back is news too.
  CHECK(f.on_log(3, "FAIL", "127.0.0.1:9093/2: Connect failed", 62'000));
  auto back = f.on_brokers_up({"127.0.0.1:9092/1", "127.0.0.1:9094/3"}, 63'000);
  REQUIRE(back.size() == 1);
  CHECK(back[0].level == spdlog::level::info);
  CHECK(back[0].text.find("kafka: 127.0.0.1:9092 is reachable again") == 0);
  // After it is back, a new failure is reported again.
  CHECK(f.on_log(3, "FAIL", refused, 64'000));
}

TEST_CASE("debug and informational lines are not shown") {
  kafka_log_filter f;
  CHECK_FALSE(f.on_log(6, "INFO", "something routine", 0));
  CHECK_FALSE(f.on_log(7, "BROKER", "127.0.0.1:9092/1: state UP", 0));
  CHECK(f.on_log(4, "CONFWARN", "Configuration property x is deprecated", 0));
  CHECK_FALSE(f.on_log(4, "CONFWARN", "Configuration property x is deprecated", 1));
}

} // TEST_SUITE
