#include "common/util/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace ubaflow {

bool setup_logging(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off")
    return false;
  auto logger = spdlog::get("ubaflow"); // set up before: change the level
  if (!logger)
    logger = spdlog::stderr_color_mt("ubaflow");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return true;
}

} // namespace ubaflow
