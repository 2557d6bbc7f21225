#include "worker/source/kafka_statistics.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("source.kafka_statistics") {

TEST_CASE("a connected client is reachable and reports its lag") {
  auto stats = parse_kafka_statistics(R"({
    "name": "c#consumer-1", "type": "consumer",
    "brokers": {
      "localhost:9092/bootstrap": {"state": "UP", "connects": 1, "disconnects": 0},
      "localhost:40000/1": {"state": "UP", "connects": 1, "disconnects": 0}
    },
    "topics": {"user_behavior": {"partitions": {
      "0": {"partition": 0, "consumer_lag": 12},
      "1": {"partition": 1, "consumer_lag": 40},
      "-1": {"partition": -1, "consumer_lag": 999}
    }}}
  })");
  REQUIRE(stats);
  CHECK(stats->brokers == 2);
  CHECK(stats->brokers_up == 2);
  CHECK_FALSE(stats->unreachable());
  CHECK(stats->max_consumer_lag == 40);
}

TEST_CASE("no broker up after connection attempts means unreachable") {
  auto stats = parse_kafka_statistics(R"({
    "brokers": {
      "localhost:9092/bootstrap": {"state": "CONNECT", "connects": 7, "disconnects": 6},
      "localhost:40000/1": {"state": "DOWN", "connects": 3, "disconnects": 3}
    },
    "topics": {}
  })");
  REQUIRE(stats);
  CHECK(stats->brokers_up == 0);
  CHECK(stats->unreachable());
  CHECK(stats->max_consumer_lag == -1);
}

TEST_CASE("a client that has not tried yet is not called unreachable") {
  auto stats = parse_kafka_statistics(R"({
    "brokers": {"localhost:9092/bootstrap": {"state": "INIT", "connects": 0}}
  })");
  REQUIRE(stats);
  CHECK_FALSE(stats->unreachable());
}

TEST_CASE("one broker of several up is enough") {
  auto stats = parse_kafka_statistics(R"({"brokers": {
    "a/1": {"state": "DOWN", "connects": 2, "disconnects": 2},
    "b/2": {"state": "UP", "connects": 1}}})");
  REQUIRE(stats);
  CHECK_FALSE(stats->unreachable());
}

TEST_CASE("documents that are not statistics are refused") {
  CHECK_FALSE(parse_kafka_statistics("not json"));
  CHECK_FALSE(parse_kafka_statistics("[1, 2]"));
  auto empty = parse_kafka_statistics("{}");
  REQUIRE(empty);
  CHECK(empty->brokers == 0);
  CHECK_FALSE(empty->unreachable());
}

} // TEST_SUITE
