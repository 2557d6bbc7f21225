// ubaflow: real-time user-behaviour analytics. One binary, several commands.

#include "tools/commands.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr const char* usage = R"(usage: ubaflow <command> [options]

commands:
  run          run the job: Kafka (or files) -> windows -> Elasticsearch / NDJSON
  coordinator  run the job manager of a cluster of worker processes
  worker       join a coordinator and run the tasks it places here
  savepoint    ask a running coordinator for a savepoint
  broker       start librdkafka's mock Kafka cluster with the topic created
  datagen      produce the seed's JSON messages (synthetic or from a Tianchi CSV)
  sql          check a job written in SQL and explain the plan it compiles to
  verify       compute the expected results in batch and compare with the output
  results      print the result tables of an NDJSON output or Elasticsearch
  probe        ask health endpoints (a container's HEALTHCHECK)
  version      print the version

'ubaflow <command> --help' lists the command's options. Every option can also
come from a config file (--config FILE) or the environment (UBAFLOW_...).
)";

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0
      || std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "help") == 0) {
    std::fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "run")
    return ubaflow::run_command(args);
  if (command == "coordinator")
    return ubaflow::coordinator_command(args);
  if (command == "worker")
    return ubaflow::worker_command(args);
  if (command == "savepoint")
    return ubaflow::savepoint_command(args);
  if (command == "broker")
    return ubaflow::broker_command(args);
  if (command == "datagen")
    return ubaflow::datagen_command(args);
  if (command == "verify")
    return ubaflow::verify_command(args);
  if (command == "results")
    return ubaflow::results_command(args);
  if (command == "probe")
    return ubaflow::probe_command(args);
  if (command == "sql")
    return ubaflow::sql_command(args);
  if (command == "version" || command == "--version") {
    std::puts("ubaflow 0.1.0");
    return 0;
  }
  std::fprintf(stderr, "ubaflow: unknown command '%s'\n\n%s", command.c_str(),
               usage);
  return 2;
}
