#pragma once

#include "worker/source/file_splits.hpp"
#include "worker/source/record_reader.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ubaflow {

/// Reads newline-separated records from files (or "-" for standard input),
/// each file (or byte range of a file, see file_splits.hpp) being one slot,
/// read in order. Chunked reads into a reusable
/// buffer keep memory flat however large the file is. A file is a bounded
/// input: its slot finishes at end of file.
class file_reader : public record_reader {
public:
  /// Opens every path; on failure returns nullptr and explains in `error`.
  /// `start_lines` (same length, or empty) makes a file's slot begin at
  /// that 1-based line, e.g. from a checkpoint; earlier lines are skipped.
  /// A line longer than `max_line_bytes` is not kept: it is skipped to its
  /// end and delivered as a truncated record (its first bytes), so memory
  /// stays bounded whatever the input.
  /// `start_lines` count from the range's first line.
  static std::unique_ptr<file_reader>
  open(const std::vector<file_range>& ranges, std::string& error,
       size_t chunk_bytes = 4 << 20,
       const std::vector<int64_t>& start_lines = {},
       size_t max_line_bytes = 1 << 20);
  /// Whole files, one slot each.
  static std::unique_ptr<file_reader>
  open(const std::vector<std::string>& paths, std::string& error,
       size_t chunk_bytes = 4 << 20,
       const std::vector<int64_t>& start_lines = {},
       size_t max_line_bytes = 1 << 20);
  ~file_reader() override;

  bool read(record_batch& out, size_t max, int timeout_ms) override;
  const std::vector<int32_t>& partitions() const override { return ids_; }
  std::vector<partition_position> positions() override;
  void bound_to_current_end() override {}
  std::string describe() const override;
  std::string slot_name(uint32_t slot) const override {
    return files_.at(slot).range.name();
  }
  const std::string& last_error() const override { return error_; }

private:
  struct file_state {
    file_range range;
    int64_t offset = 0; ///< next byte to read from the file
    int fd = -1;
    int64_t line = 0;
    int64_t first_line = 1; ///< lines before it are skipped
    bool eof = false;
    bool finished = false;
  };

  file_reader() = default;
  bool refill(file_state& f);
  /// Ends an over-long line: counts it and delivers its beginning.
  void emit_truncated(file_state& f, record_batch& out);

  std::vector<file_state> files_;
  std::vector<int32_t> ids_;
  size_t current_ = 0;
  std::vector<char> buffer_;
  size_t begin_ = 0; ///< first unread byte in buffer_
  size_t end_ = 0;   ///< one past the last valid byte
  size_t max_line_ = 1 << 20;
  bool skipping_ = false;       ///< inside a line longer than max_line_
  std::string skipped_prefix_;  ///< its first bytes, for the reject log
  std::string error_;
};

} // namespace ubaflow
