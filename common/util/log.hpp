#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace ubaflow {

/// Configures the process-wide logger: level name (trace, debug, info, warn,
/// error, off) and format ("text", "json": one object per line, see
/// json_log_formatter.hpp; empty keeps the current one). Logs go to stderr so
/// that commands whose stdout is data (datagen, verify) stay pipeable.
/// Returns false for an unknown level or format.
bool setup_logging(const std::string& level, const std::string& format = "");

} // namespace ubaflow
