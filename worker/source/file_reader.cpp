#include "worker/source/file_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace ubaflow {

std::unique_ptr<file_reader>
file_reader::open(const std::vector<std::string>& paths, std::string& error,
                  size_t chunk_bytes,
                  const std::vector<int64_t>& start_lines,
                  size_t max_line_bytes) {
  std::vector<file_range> whole;
  for (const auto& path : paths)
    whole.push_back({path, 0, -1, 0, 1});
  return open(whole, error, chunk_bytes, start_lines, max_line_bytes);
}

std::unique_ptr<file_reader>
file_reader::open(const std::vector<file_range>& ranges, std::string& error,
                  size_t chunk_bytes,
                  const std::vector<int64_t>& start_lines,
                  size_t max_line_bytes) {
  std::unique_ptr<file_reader> reader{new file_reader};
  reader->buffer_.resize(std::max<size_t>(chunk_bytes, 4096));
  reader->max_line_ = std::max<size_t>(max_line_bytes, 1);
  auto fail = [&](const std::string& why) {
    error = why;
    for (auto& opened : reader->files_)
      if (opened.fd > STDIN_FILENO)
        ::close(opened.fd);
    return nullptr;
  };
  for (size_t i = 0; i < ranges.size(); ++i) {
    file_state f;
    f.range = ranges[i];
    const auto& path = f.range.path;
    if (i < start_lines.size() && start_lines[i] > 1)
      f.first_line = start_lines[i];
    f.fd = path == "-" ? STDIN_FILENO
                       : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0)
      return fail("cannot open input file '" + path
                  + "': " + std::strerror(errno));
    if (f.range.begin > 0) {
      if (f.fd == STDIN_FILENO
          || ::lseek(f.fd, f.range.begin, SEEK_SET) != f.range.begin) {
        ::close(f.fd);
        return fail("cannot seek in input file '" + path + "'");
      }
      f.offset = f.range.begin;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    if (f.fd != STDIN_FILENO)
      ::posix_fadvise(f.fd, f.range.begin, 0, POSIX_FADV_SEQUENTIAL);
#endif
    reader->files_.push_back(std::move(f));
    reader->ids_.push_back(static_cast<int32_t>(i));
  }
  return reader;
}

file_reader::~file_reader() {
  for (auto& f : files_)
    if (f.fd > STDIN_FILENO)
      ::close(f.fd);
}

std::string file_reader::describe() const {
  std::string out = "file:";
  for (size_t i = 0; i < files_.size(); ++i)
    out += (i ? "," : "") + files_[i].range.name();
  return out;
}

bool file_reader::refill(file_state& f) {
  // Move the incomplete tail to the front, grow the buffer if one line
  // does not fit, then read more.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size())
    buffer_.resize(buffer_.size() * 2);
  size_t room = buffer_.size() - end_;
  if (f.range.end >= 0) {
    // A range ends where the next one starts (a line start).
    room = static_cast<size_t>(std::min<int64_t>(
      static_cast<int64_t>(room), std::max<int64_t>(f.range.end - f.offset, 0)));
    if (room == 0) {
      f.eof = true;
      return true;
    }
  }
  for (;;) {
    ssize_t n = ::read(f.fd, buffer_.data() + end_, room);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error_ = "read error on '" + f.range.name() + "': " + std::strerror(errno);
      return false;
    }
    if (n == 0)
      f.eof = true;
    end_ += static_cast<size_t>(n);
    f.offset += n;
    return true;
  }
}

void file_reader::emit_truncated(file_state& f, record_batch& out) {
  skipping_ = false;
  ++f.line;
  if (f.line >= f.first_line)
    out.records.push_back({skipped_prefix_, static_cast<uint32_t>(current_),
                           f.line, true});
}

bool file_reader::read(record_batch& out, size_t max, int) {
  out.clear();
  while (current_ < files_.size() && out.records.size() < max) {
    auto& f = files_[current_];
    const char* data = buffer_.data();
    const void* nl = std::memchr(data + begin_, '\n', end_ - begin_);
    if (skipping_) {
      // Inside an over-long line: drop bytes up to its end.
      if (nl == nullptr && !f.eof) {
        if (!out.records.empty())
          return true;
        begin_ = end_ = 0;
        if (!refill(f))
          return false;
        continue;
      }
      begin_ = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) + 1
                  : end_;
      emit_truncated(f, out);
      return true; // the prefix's view must outlive this batch only
    }
    if (nl == nullptr && !f.eof && end_ - begin_ > max_line_) {
      if (!out.records.empty())
        return true; // views into the buffer stay valid for this batch
      skipped_prefix_.assign(data + begin_, std::min<size_t>(end_ - begin_, 256));
      skipping_ = true;
      begin_ = end_ = 0;
      continue;
    }
    if (nl == nullptr) {
      if (!f.eof) {
        // Views into the buffer must stay valid for this batch: return what
        // we have before moving bytes around.
        if (!out.records.empty())
          return true;
        if (!refill(f))
          return false;
        continue;
      }
      if (end_ > begin_) { // last line without a newline
        ++f.line;
        const size_t len = end_ - begin_;
        if (!(len == 1 && data[begin_] == '\r') && f.line >= f.first_line)
          out.records.push_back({std::string_view(data + begin_, len),
                                 static_cast<uint32_t>(current_), f.line});
        begin_ = end_;
      }
      f.finished = true;
      out.finished_slots.push_back(static_cast<uint32_t>(current_));
      begin_ = end_ = 0;
      ++current_;
      // A new file needs a fresh buffer, so end the batch here.
      return true;
    }
    const size_t len = static_cast<size_t>(static_cast<const char*>(nl)
                                           - (data + begin_));
    ++f.line;
    if (len > 0 && !(len == 1 && data[begin_] == '\r')
        && f.line >= f.first_line)
      out.records.push_back({std::string_view(data + begin_, len),
                             static_cast<uint32_t>(current_), f.line,
                             len > max_line_});
    begin_ += len + 1;
  }
  return true;
}

std::vector<partition_position> file_reader::positions() {
  std::vector<partition_position> out;
  for (size_t i = 0; i < files_.size(); ++i)
    out.push_back({static_cast<int32_t>(i), files_[i].line + 1, -1,
                   files_[i].finished});
  return out;
}

} // namespace ubaflow
