#include "worker/sink/ndjson_writer.hpp"

#include "common/util/json_text.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ubaflow {

ndjson_writer::ndjson_writer(std::string directory,
                             std::vector<std::string> indices,
                             const std::string& index_prefix)
  : directory_(std::move(directory)), names_(index_prefix) {
  for (auto& index : indices)
    files_.try_emplace(std::move(index));
}

ndjson_writer::~ndjson_writer() {
  flush();
  for (auto& [index, f] : files_)
    if (f.file)
      std::fclose(f.file);
}

std::string ndjson_writer::path_of(std::string_view index) const {
  // Index names are checked on arrival (check_index_name): no separators.
  return (std::filesystem::path{directory_} / (names_.of(index) + ".ndjson"))
    .string();
}

bool ndjson_writer::open(const std::string& index, index_file& f,
                         std::string& error) {
  if (f.file)
    return true;
  auto path = path_of(index);
  f.file = std::fopen(path.c_str(), "ab");
  if (!f.file) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ndjson_writer::prepare(std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec) {
    error = "cannot create output directory '" + directory_
            + "': " + ec.message();
    return false;
  }
  for (auto& [index, f] : files_)
    if (!open(index, f, error))
      return false;
  return true;
}

void ndjson_writer::add(std::vector<result_row> rows) {
  stats_.rows_in += rows.size();
  for (const auto& row : rows) {
    auto it = files_.find(row.index);
    if (it == files_.end())
      it = files_.try_emplace(row.index).first;
    auto& out = it->second.pending;
    const size_t before = out.size();
    out += "{\"_index\":";
    append_json_string(out, names_.of(row.index));
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
  for (auto& [index, f] : files_) {
    auto& data = f.pending;
    if (data.empty())
      continue;
    std::string error;
    if (!f.file && !(prepare(error) && open(index, f, error))) {
      stats_.healthy = false;
      stats_.last_error = error;
      ++stats_.request_failures;
      return flush_status::failed;
    }
    if (std::fwrite(data.data(), 1, data.size(), f.file) != data.size()
        || std::fflush(f.file) != 0) {
      stats_.healthy = false;
      stats_.last_error = "write to " + path_of(index)
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
