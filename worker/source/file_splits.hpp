#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// A byte range of an input file that one source slot reads: from `begin`
/// (always the start of a line) to `end` (exclusive; -1 for end of file).
/// Ranges let several workers share one large file, as Flink's file source
/// splits do; each range is a partition of its own, with its own watermark.
struct file_range {
  std::string path;
  int64_t begin = 0;
  int64_t end = -1;
  uint32_t index = 0; ///< which of the file's ranges
  uint32_t of = 1;    ///< how many ranges the file was cut into

  /// "path" for a whole file, "path[k/n]" (1-based) for one of n ranges.
  std::string name() const;
};

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
