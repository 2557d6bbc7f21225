#pragma once

#include <string>
#include <vector>

namespace ubaflow {

/// Entry points of the `ubaflow` subcommands. Each takes the arguments
/// after its name and returns the process exit code: 0 success, 1 failure,
/// 2 usage or configuration error.

int run_command(const std::vector<std::string>& args);
int coordinator_command(const std::vector<std::string>& args);
int worker_command(const std::vector<std::string>& args);
int savepoint_command(const std::vector<std::string>& args);
int broker_command(const std::vector<std::string>& args);
int datagen_command(const std::vector<std::string>& args);
int verify_command(const std::vector<std::string>& args);
int results_command(const std::vector<std::string>& args);
int probe_command(const std::vector<std::string>& args);
int sql_command(const std::vector<std::string>& args);

} // namespace ubaflow
