#pragma once

// Helpers shared by the unit tests: a fresh temporary directory per test
// that is removed again, and small file utilities.

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <system_error>

#include <unistd.h>

namespace ubaflow::test {

/// A fresh directory under the system temp dir, removed with its contents
/// when the object goes out of scope.
class temp_dir {
public:
  temp_dir() {
    static std::atomic<unsigned> counter{0};
    const auto base = std::filesystem::temp_directory_path();
    for (;;) {
      path_ = base
              / ("ubaflow-unit-" + std::to_string(::getpid()) + "-"
                 + std::to_string(counter++));
      std::error_code ec;
      if (std::filesystem::create_directory(path_, ec))
        break;
    }
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// Writes `content` to `name` inside the directory and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    const auto file = path_ / name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
    return file.string();
  }

  std::string file(const std::string& name) const {
    return (path_ / name).string();
  }

private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
}

} // namespace ubaflow::test
