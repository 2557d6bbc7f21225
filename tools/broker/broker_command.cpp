// `ubaflow broker`: librdkafka's mock Kafka cluster as a standalone broker
// for the demo and the tests (no real Kafka can be installed here).

#include "common/config/settings.hpp"
#include "common/util/log.hpp"
#include "tools/broker/tcp_forwarder.hpp"
#include "tools/cli_support.hpp"
#include "tools/commands.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <thread>

namespace ubaflow {

namespace {

option_set make_options() {
  option_set o{"broker"};
  using t = option_type;
  o.add("broker.host", t::string, "127.0.0.1",
        "Address of the bootstrap port.");
  o.add("broker.port", t::integer, "9092",
        "Fixed bootstrap port (0: print the mock brokers' own random ports).")
      .bounded(0, 65535);
  o.add("broker.brokers", t::integer, "1", "Number of mock brokers.")
      .bounded(1, 16);
  o.add("broker.partitions", t::integer, "4", "Partitions of the topic.")
      .bounded(1, 10000);
  o.add("kafka.topic", t::string, "user_behavior", "Topic to create.");
  o.add("broker.extra-topics", t::list, "",
        "More topics as name:partitions (e.g. user_behavior_dlq:1).");
  o.add("broker.port-file", t::string, "",
        "Write the bootstrap address to this file once ready.");
  o.add("broker.commands", t::boolean, "false",
        "Read fault-injection commands from standard input: 'down ID', "
        "'up ID', 'rtt ID MS', 'errors APIKEY COUNT ERRCODE'.");
  o.add("log.level", t::string, "info", "Log level.");
  o.add("log.format", t::choice, "text",
        "Log lines as text, or as one JSON object per line (time, level, "
        "logger, message, fields) for log collectors.",
        {"text", "json"});
  return o;
}

std::atomic<bool> stop{false};

extern "C" void on_signal(int) {
  stop = true;
}

/// Applies one fault-injection command to the cluster.
void apply_command(rd_kafka_mock_cluster_t* mc, const std::string& line) {
  std::istringstream in(line);
  std::string verb;
  in >> verb;
  if (verb == "down" || verb == "up") {
    int id = -1;
    in >> id;
    auto err = verb == "down" ? rd_kafka_mock_broker_set_down(mc, id)
                              : rd_kafka_mock_broker_set_up(mc, id);
    spdlog::info("broker: {} {} -> {}", verb, id, rd_kafka_err2str(err));
  } else if (verb == "rtt") {
    int id = -1;
    int ms = 0;
    in >> id >> ms;
    rd_kafka_mock_broker_set_rtt(mc, id, ms);
    spdlog::info("broker: rtt {} {} ms", id, ms);
  } else if (verb == "errors") {
    int api_key = 0;
    size_t count = 0;
    int code = 0;
    in >> api_key >> count >> code;
    std::vector<rd_kafka_resp_err_t> errors(
        count, static_cast<rd_kafka_resp_err_t>(code));
    rd_kafka_mock_push_request_errors_array(mc, static_cast<int16_t>(api_key),
                                            count, errors.data());
    spdlog::info("broker: next {} requests of API {} fail with {}", count,
                 api_key,
                 rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(code)));
  } else if (!verb.empty()) {
    spdlog::warn("broker: unknown command '{}'", line);
  }
}

} // namespace

int broker_command(const std::vector<std::string>& args) {
  static const option_set options = make_options();
  int exit_code = 0;
  auto values = parse_command_line(
      options, args,
      "Starts librdkafka's mock Kafka cluster with the topic created and keeps "
      "it running until\nSIGINT/SIGTERM. Each partition keeps about 5 MiB or "
      "100,000 batches; older data is dropped.",
      exit_code);
  if (!values)
    return exit_code;
  const auto& v = *values;
  setup_logging(v.get_string("log.level"), v.get_string("log.format"));

  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    std::fprintf(stderr, "ubaflow broker: error: %s\n", errstr);
    return 1;
  }
  const int brokers
      = static_cast<int>(std::max<int64_t>(1, v.get_int("broker.brokers")));
  rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) {
    std::fprintf(stderr,
                 "ubaflow broker: error: cannot create the mock cluster\n");
    rd_kafka_destroy(rk);
    return 1;
  }
  const std::string topic = v.get_string("kafka.topic");
  const int partitions = static_cast<int>(v.get_int("broker.partitions"));
  auto err = rd_kafka_mock_topic_create(mc, topic.c_str(), partitions, 1);
  if (err) {
    std::fprintf(stderr, "ubaflow broker: error: cannot create topic %s: %s\n",
                 topic.c_str(), rd_kafka_err2str(err));
    return 1;
  }
  for (const auto& extra : v.get_list("broker.extra-topics")) {
    auto colon = extra.find(':');
    const std::string name = extra.substr(0, colon);
    const int n
        = colon == std::string::npos ? 1 : std::stoi(extra.substr(colon + 1));
    rd_kafka_mock_topic_create(mc, name.c_str(), n, 1);
  }
  const std::string mock_bootstrap = rd_kafka_mock_cluster_bootstraps(mc);

  std::unique_ptr<tcp_forwarder> forwarder;
  std::string bootstrap = mock_bootstrap;
  const int64_t port = v.get_int("broker.port");
  if (port > 0) {
    const std::string first
        = mock_bootstrap.substr(0, mock_bootstrap.find(','));
    const auto colon = first.rfind(':');
    std::string error;
    forwarder = tcp_forwarder::start(
        v.get_string("broker.host"), static_cast<uint16_t>(port),
        first.substr(0, colon),
        static_cast<uint16_t>(std::stoi(first.substr(colon + 1))), error);
    if (!forwarder) {
      std::fprintf(stderr,
                   "ubaflow broker: error: %s (is another broker "
                   "running? use --broker.port 0 for a random port)\n",
                   error.c_str());
      return 1;
    }
    bootstrap = v.get_string("broker.host") + ":" + std::to_string(port);
  }

  std::printf("ubaflow broker: mock Kafka cluster ready\n"
              "  bootstrap servers: %s\n"
              "  topic:             %s (%d partitions)\n"
              "  mock brokers:      %s\n"
              "  limits:            about 5 MiB or 100,000 batches per "
              "partition; stop with Ctrl-C\n",
              bootstrap.c_str(), topic.c_str(), partitions,
              mock_bootstrap.c_str());
  std::fflush(stdout);
  if (const auto& path = v.get_string("broker.port-file"); !path.empty()) {
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp) << bootstrap << "\n";
    std::rename(tmp.c_str(), path.c_str());
  }

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  if (v.get_bool("broker.commands")) {
    std::thread([mc] {
      std::string line;
      while (!stop && std::getline(std::cin, line))
        apply_command(mc, line);
    }).detach();
  }
  while (!stop)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("broker: shutting down");
  forwarder.reset();
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}

} // namespace ubaflow
