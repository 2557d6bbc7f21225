#include "worker/parse/csv_fields.hpp"

namespace ubaflow {

bool split_csv_line(std::string_view line, std::vector<std::string>& fields,
                    char delimiter) {
  fields.clear();
  std::string current;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          current.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        current.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      fields.push_back(std::move(current));
      current.clear();
    } else if (c != '\r') {
      current.push_back(c);
    }
  }
  if (quoted)
    return false;
  fields.push_back(std::move(current));
  return true;
}

} // namespace ubaflow
