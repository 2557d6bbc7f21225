#pragma once

#include "common/config/settings.hpp"
#include "common/util/with_commas.hpp"
#include "worker/job_config_loader.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

/// Resolves a command's options and handles --help and errors the same way
/// for every command: prints help to stdout, errors to stderr. Returns the
/// settings, or nothing with `exit_code` set (0 after help, 2 on errors).
std::optional<settings> parse_command_line(const option_set& options,
                                           const std::vector<std::string>& args,
                                           const std::string& summary,
                                           int& exit_code);

/// Prints "ubaflow <command>: error: <message>" to stderr and returns 2,
/// the exit code of a configuration error.
int configuration_error(const settings& values, const std::string& message);

/// load_job_config for a command: nothing, with the problem printed by
/// configuration_error, when the settings do not make a valid job.
std::optional<job_config> load_job_config_or_report(const settings& values);

/// Sets the log level of the job and logs every option that is not at its
/// default, with where its value came from (secrets masked).
void start_job_logging(const job_config& config, const settings& values);

} // namespace ubaflow
