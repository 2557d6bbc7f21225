#include "coordinator/checkpoint/directory_checkpoint_store.hpp"

#include "coordinator/checkpoint/checkpoint_format.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace ubaflow {

namespace fs = std::filesystem;

namespace {

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    auto n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool sync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string file_name(const checkpoint_data& data) {
  char name[64];
  std::snprintf(name, sizeof(name), "%s-%012llu.ckpt",
                data.savepoint ? "savepoint" : "chk",
                static_cast<unsigned long long>(data.id));
  return name;
}

} // namespace

directory_checkpoint_store::directory_checkpoint_store(std::string directory,
                                                       uint32_t retained)
  : directory_(std::move(directory)),
    retained_(std::max<uint32_t>(1, retained)) {
  // nop
}

uint64_t directory_checkpoint_store::id_of(const std::string& path) const {
  return id_of_file_name(fs::path{path}.filename().string());
}

bool directory_checkpoint_store::holds(const std::string& path) const {
  if (id_of(path) == 0)
    return false;
  // Compared without resolving links: the store writes exactly these.
  const auto parent = fs::path{path}.lexically_normal().parent_path();
  auto root = fs::path{directory_}.lexically_normal();
  if (root.has_parent_path() && !root.has_filename()) // "dir/"
    root = root.parent_path();
  return parent == root || parent == root / "savepoints";
}

uint64_t directory_checkpoint_store::id_of_file_name(const std::string& name) {
  auto parse = [&](const char* prefix) -> uint64_t {
    const size_t n = std::strlen(prefix);
    if (name.size() <= n + 5 || name.compare(0, n, prefix) != 0
        || name.compare(name.size() - 5, 5, ".ckpt") != 0)
      return 0;
    uint64_t id = 0;
    for (size_t i = n; i < name.size() - 5; ++i) {
      if (name[i] < '0' || name[i] > '9')
        return 0;
      id = id * 10 + static_cast<uint64_t>(name[i] - '0');
    }
    return id;
  };
  if (auto id = parse("chk-"))
    return id;
  return parse("savepoint-");
}

std::optional<std::string>
directory_checkpoint_store::write(const checkpoint_data& data, uint64_t& bytes,
                                  std::string& error) {
  const auto buffer = encode_checkpoint(data);
  if (buffer.empty()) {
    error = "cannot serialize checkpoint " + std::to_string(data.id);
    return std::nullopt;
  }
  const fs::path dir = data.savepoint ? fs::path{directory_} / "savepoints"
                                      : fs::path{directory_};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = "cannot create checkpoint directory '" + dir.string()
            + "': " + ec.message();
    return std::nullopt;
  }
  const fs::path target = dir / file_name(data);
  const fs::path temporary = target.string() + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    error = "cannot write '" + temporary.string()
            + "': " + std::strerror(errno);
    return std::nullopt;
  }
  const bool written = write_all(fd, buffer.data(), buffer.size())
                       && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!written) {
    error = "cannot write '" + temporary.string()
            + "': " + std::strerror(saved_errno);
    fs::remove(temporary, ec);
    return std::nullopt;
  }
  fs::rename(temporary, target, ec);
  if (ec || !sync_directory(dir)) {
    error = "cannot move '" + temporary.string() + "' into place: "
            + (ec ? ec.message() : std::string{std::strerror(errno)});
    fs::remove(temporary, ec);
    return std::nullopt;
  }
  bytes = buffer.size();
  if (!data.savepoint)
    prune();
  return target.string();
}

void directory_checkpoint_store::prune() const {
  std::vector<std::pair<uint64_t, fs::path>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator{directory_, ec}) {
    const auto name = entry.path().filename().string();
    if (name.rfind("chk-", 0) == 0)
      if (auto id = id_of_file_name(name))
        found.emplace_back(id, entry.path());
  }
  if (found.size() <= retained_)
    return;
  std::sort(found.begin(), found.end());
  for (size_t i = 0; i + retained_ < found.size(); ++i) {
    fs::remove(found[i].second, ec);
    if (ec)
      spdlog::warn("cannot remove old checkpoint {}: {}",
                   found[i].second.string(), ec.message());
  }
}

std::optional<std::string> directory_checkpoint_store::latest() const {
  uint64_t best = 0;
  std::optional<std::string> path;
  for (const auto& dir : {fs::path{directory_}, fs::path{directory_} / "savepoints"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator{dir, ec}) {
      const auto id = id_of_file_name(entry.path().filename().string());
      if (id > best) {
        best = id;
        path = entry.path().string();
      }
    }
  }
  return path;
}

std::optional<checkpoint_data>
directory_checkpoint_store::load(const std::string& path,
                                 std::string& error) const {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) {
    error = "cannot open checkpoint '" + path + "': " + std::strerror(errno);
    return std::nullopt;
  }
  std::vector<char> buffer;
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), file)) > 0)
    buffer.insert(buffer.end(), chunk, chunk + n);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) {
    error = "cannot read checkpoint '" + path + "'";
    return std::nullopt;
  }
  return decode_checkpoint({buffer.data(), buffer.size()}, path, error);
}

} // namespace ubaflow
