#pragma once

#include "common/config/connector_settings.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// Cuts each file into `splits` ranges of about equal size, each starting
/// at a line start: the k-th boundary is the first line start at or after
/// k * size / splits. A file always yields exactly `splits` ranges (some
/// may be empty when lines are long or the file is small), so the number
/// of partitions depends only on the configuration. Standard input ("-")
/// cannot be split. Returns false and explains in `error` if a file
/// cannot be read.
bool split_files(const std::vector<std::string>& paths, uint32_t splits,
                 std::vector<file_range>& out, std::string& error);

/// Which of `ranges` (those of one file, in order) holds byte `offset`.
uint32_t range_of_offset(const std::vector<file_range>& file_ranges,
                         int64_t offset);

} // namespace ubaflow
