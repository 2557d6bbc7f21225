#include "common/config/secret_file.hpp"

#include <fstream>

namespace ubaflow {

std::optional<std::string> read_secret_file(const std::string& path,
                                            std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read secret file '" + path + "'";
    return std::nullopt;
  }
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
    line.pop_back();
  return line;
}

std::optional<std::vector<std::string>>
read_secret_lines(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read secret file '" + path + "'";
    return std::nullopt;
  }
  std::vector<std::string> out;
  std::string line;
  while (out.size() < 8 && std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
      line.pop_back();
    if (!line.empty())
      out.push_back(line);
  }
  return out;
}

} // namespace ubaflow
