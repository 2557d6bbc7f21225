#include "common/util/log.hpp"

#include "common/util/json_log_formatter.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace ubaflow {

bool setup_logging(const std::string& level, const std::string& format) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off")
    return false;
  if (!format.empty() && format != "text" && format != "json")
    return false;
  auto logger = spdlog::get("ubaflow"); // set up before: change the level
  if (!logger)
    logger = spdlog::stderr_color_mt("ubaflow");
  static std::string current = "text";
  if (!format.empty())
    current = format;
  if (current == "json")
    logger->set_formatter(std::make_unique<json_log_formatter>());
  else
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return true;
}

} // namespace ubaflow
