#include "worker/source/file_splits.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ubaflow {

namespace {

/// The first line start at or after `offset`: `offset` itself if the byte
/// before it is a newline, else the byte after the next newline (or the
/// file size if there is none).
bool next_line_start(int fd, int64_t offset, int64_t size, int64_t& out,
                     std::string& error) {
  if (offset <= 0) {
    out = 0;
    return true;
  }
  char buffer[64 * 1024];
  int64_t at = offset - 1;
  while (at < size) {
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, at);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = std::strerror(errno);
      return false;
    }
    if (n == 0)
      break;
    if (const void* nl = std::memchr(buffer, '\n', static_cast<size_t>(n))) {
      out = at + (static_cast<const char*>(nl) - buffer) + 1;
      return true;
    }
    at += n;
  }
  out = size;
  return true;
}

} // namespace

bool split_files(const std::vector<std::string>& paths, uint32_t splits,
                 std::vector<file_range>& out, std::string& error) {
  out.clear();
  if (splits == 0)
    splits = 1;
  for (const auto& path : paths) {
    if (splits == 1) {
      out.push_back({path, 0, -1, 0, 1});
      continue;
    }
    if (path == "-") {
      error = "standard input cannot be split";
      return false;
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st{};
    if (fd < 0 || ::fstat(fd, &st) != 0) {
      error = "cannot read '" + path + "': " + std::strerror(errno);
      if (fd >= 0)
        ::close(fd);
      return false;
    }
    const int64_t size = st.st_size;
    int64_t begin = 0;
    for (uint32_t k = 0; k < splits; ++k) {
      int64_t end = size;
      if (k + 1 < splits) {
        const int64_t target = size / splits * (k + 1)
                               + size % splits * (k + 1) / splits;
        if (!next_line_start(fd, std::max(target, begin), size, end, error)) {
          error = "cannot read '" + path + "': " + error;
          ::close(fd);
          return false;
        }
      }
      // The last range reads to the end of the file as it is when read.
      out.push_back({path, begin, k + 1 < splits ? end : -1, k, splits});
      begin = end;
    }
    ::close(fd);
  }
  return true;
}

uint32_t range_of_offset(const std::vector<file_range>& file_ranges,
                         int64_t offset) {
  for (const auto& r : file_ranges)
    if (offset >= r.begin && (r.end < 0 || offset < r.end))
      return r.index;
  return file_ranges.empty() ? 0 : file_ranges.back().index;
}

} // namespace ubaflow
