#pragma once

// Reading a job's configuration from its settings: each option converted and
// checked, with the connectors' own checks (librdkafka properties, the
// Elasticsearch URLs, MySQL identifiers, splitting the input files).

#include "common/config/job_config.hpp"
#include "common/config/secret_file.hpp"
#include "common/config/settings.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

/// Validates and converts settings; returns nothing and an explanation in
/// `error` (naming the option) on the first problem.
std::optional<job_config> load_job_config(const settings& values,
                                          std::string& error);

/// Checks the paths this node itself reads and writes: input files exist
/// and are regular readable files, the lookup CSV is readable, the NDJSON
/// directory exists (it is created) and is writable. The problem, naming
/// the option, or nothing. (Run where the tasks run: `run` and workers.)
std::optional<std::string> check_node_paths(const job_config& config);

/// Makes `dir` (and its parents) if missing and checks that files can be
/// created in it; the problem, or nothing.
std::optional<std::string> check_writable_directory(const std::string& dir);

} // namespace ubaflow
