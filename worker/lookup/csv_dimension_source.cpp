#include "worker/lookup/csv_dimension_source.hpp"

#include "worker/parse/json_event_parser.hpp"

#include <fstream>

namespace ubaflow {

std::optional<csv_dimension_source>
csv_dimension_source::load(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read category file '" + path + "'";
    return std::nullopt;
  }
  csv_dimension_source source;
  source.path_ = path;
  std::string line;
  std::vector<std::string> fields;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r")
      continue;
    if (!split_csv_line(line, fields) || fields.size() != 2) {
      error = path + ":" + std::to_string(line_no)
              + ": expected 'sub_category_id,parent_category_name'";
      return std::nullopt;
    }
    int64_t id = 0;
    if (!parse_decimal_id(fields[0], id)) {
      if (line_no == 1)
        continue; // header
      error = path + ":" + std::to_string(line_no) + ": '" + fields[0]
              + "' is not an integer id";
      return std::nullopt;
    }
    source.names_[id] = fields[1];
  }
  return source;
}

bool csv_dimension_source::lookup(
  const std::vector<int64_t>& ids,
  std::vector<std::pair<int64_t, std::string>>& found, std::string&) {
  for (int64_t id : ids) {
    auto it = names_.find(id);
    if (it != names_.end())
      found.emplace_back(id, it->second);
  }
  return true;
}

} // namespace ubaflow
