#include "tools/cli_support.hpp"

#include "common/util/log.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <iterator>

namespace ubaflow {

std::optional<settings> parse_command_line(const option_set& options,
                                           const std::vector<std::string>& args,
                                           const std::string& summary,
                                           int& exit_code) {
  auto result = resolve_settings(options, args, process_environment());
  if (result.help) {
    if (result.help_format == "markdown") {
      std::fputs(options.markdown().c_str(), stdout);
    } else {
      std::printf("usage: ubaflow %s [--config FILE] [--option value ...]\n\n%s\n",
                  options.command().c_str(), summary.c_str());
      std::fputs(options.help_text().c_str(), stdout);
    }
    exit_code = 0;
    return std::nullopt;
  }
  if (!result.values) {
    std::fprintf(stderr, "ubaflow %s: error: %s\n(see 'ubaflow %s --help')\n",
                 options.command().c_str(), result.error.c_str(),
                 options.command().c_str());
    exit_code = 2;
    return std::nullopt;
  }
  if (!result.positional.empty()) {
    std::fprintf(stderr,
                 "ubaflow %s: error: unexpected argument '%s' (options are "
                 "written --name value)\n",
                 options.command().c_str(), result.positional.front().c_str());
    exit_code = 2;
    return std::nullopt;
  }
  return std::move(result.values);
}

int configuration_error(const settings& values, const std::string& message) {
  std::fprintf(stderr, "ubaflow %s: error: %s\n",
               values.options().command().c_str(), message.c_str());
  return 2;
}

std::optional<job_config> load_job_config_or_report(const settings& values) {
  std::string error;
  auto config = load_job_config(values, error);
  if (!config)
    configuration_error(values, error);
  return config;
}

void start_job_logging(const job_config& config, const settings& values) {
  setup_logging(config.log_level, config.log_format);
  for (const auto& [key, value, origin] : values.displayed())
    if (origin != value_origin::default_value)
      spdlog::info("config: {} = {} ({})", key, value, to_string(origin));
}

} // namespace ubaflow
