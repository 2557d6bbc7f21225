#pragma once

// Secrets read from files (passwords, tokens, the cluster secret): never
// from the command line or the code (docs/security.md).

#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

/// Every non-empty line of a secret file (at most 8): the first is the
/// secret in use, the others are still accepted (rotation: docs/security.md).
std::optional<std::vector<std::string>>
read_secret_lines(const std::string& path, std::string& error);

/// Reads the first line of a secret file (trailing newline removed).
std::optional<std::string> read_secret_file(const std::string& path,
                                            std::string& error);

} // namespace ubaflow
