#include "worker/sink/ndjson_writer.hpp"

#include "common/util/json_text.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ubaflow {

ndjson_writer::ndjson_writer(std::string directory,
                             const std::string& index_prefix)
  : directory_(std::move(directory)), names_(index_prefix) {
  // nop
}

ndjson_writer::~ndjson_writer() {
  flush();
  for (auto* f : files_)
    if (f)
      std::fclose(f);
}

std::string ndjson_writer::path_of(result_kind kind) const {
  return (std::filesystem::path{directory_} / (names_.of(kind) + ".ndjson"))
    .string();
}

bool ndjson_writer::prepare(std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec) {
    error = "cannot create output directory '" + directory_
            + "': " + ec.message();
    return false;
  }
  for (size_t i = 0; i < result_kind_count; ++i) {
    if (files_[i])
      continue;
    auto path = path_of(static_cast<result_kind>(i));
    files_[i] = std::fopen(path.c_str(), "ab");
    if (!files_[i]) {
      error = "cannot open '" + path + "': " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

void ndjson_writer::add(std::vector<result_row> rows) {
  stats_.rows_in += rows.size();
  for (const auto& row : rows) {
    auto& out = pending_[static_cast<size_t>(row.kind)];
    const size_t before = out.size();
    out += "{\"_index\":";
    append_json_string(out, names_.of(row.kind));
    out += ",\"_id\":";
    append_json_string(out, row.id);
    out += ",\"_source\":";
    out += row.document;
    out += "}\n";
    pending_bytes_ += out.size() - before;
    ++pending_rows_;
  }
}

flush_status ndjson_writer::flush() {
  if (pending_bytes_ == 0)
    return flush_status::done;
  ++stats_.requests;
  for (size_t i = 0; i < result_kind_count; ++i) {
    auto& data = pending_[i];
    if (data.empty())
      continue;
    if (!files_[i]) {
      std::string error;
      if (!prepare(error)) {
        stats_.healthy = false;
        stats_.last_error = error;
        ++stats_.request_failures;
        return flush_status::failed;
      }
    }
    if (std::fwrite(data.data(), 1, data.size(), files_[i]) != data.size()
        || std::fflush(files_[i]) != 0) {
      stats_.healthy = false;
      stats_.last_error = "write to " + path_of(static_cast<result_kind>(i))
                          + " failed: " + std::strerror(errno);
      ++stats_.request_failures;
      return flush_status::failed;
    }
    pending_bytes_ -= data.size();
    data.clear();
  }
  stats_.rows_written += pending_rows_;
  pending_rows_ = 0;
  stats_.healthy = true;
  return flush_status::done;
}

} // namespace ubaflow
