#pragma once

#include "common/config/settings.hpp"

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

/// "1,234,567"
std::string with_commas(uint64_t value);

} // namespace ubaflow
