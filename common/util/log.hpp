#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace ubaflow {

/// Configures the process-wide logger: level name (trace, debug, info, warn,
/// error, off) and optional pattern. Logs go to stderr so that commands whose
/// stdout is data (datagen, verify) stay pipeable. Returns false for an
/// unknown level.
bool setup_logging(const std::string& level);

} // namespace ubaflow
