#include "worker/lookup/csv_table_rows.hpp"

#include "worker/parse/csv_fields.hpp"
#include "worker/parse/decimal_id.hpp"

#include <fstream>

namespace ubaflow {

bool read_csv_rows(const std::string& path,
                   const std::vector<data_type_kind>& kinds,
                   std::vector<sql_row>& rows, std::string& error,
                   char delimiter) {
  std::ifstream in{path};
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  std::string line;
  std::vector<std::string> fields;
  for (size_t line_no = 1; std::getline(in, line); ++line_no) {
    if (line.empty() || line == "\r")
      continue;
    const auto where = path + ":" + std::to_string(line_no);
    if (!split_csv_line(line, fields, delimiter) || fields.size() != kinds.size()) {
      error = where + ": expected " + std::to_string(kinds.size()) + " fields";
      return false;
    }
    sql_row row;
    row.reserve(kinds.size());
    bool header = false;
    for (size_t c = 0; c < kinds.size(); ++c) {
      if (!is_integer(kinds[c])) {
        row.push_back(sql_value::string(std::move(fields[c])));
        continue;
      }
      int64_t id = 0;
      if (parse_decimal_id(fields[c], id)) {
        row.push_back(sql_value::bigint(id));
      } else if (line_no == 1) {
        header = true; // column names, not data
        break;
      } else {
        error = where + ": '" + fields[c] + "' is not an integer";
        return false;
      }
    }
    if (!header)
      rows.push_back(std::move(row));
  }
  return true;
}

bool read_csv_rows(const std::string& path, const bound_table& table,
                   std::vector<sql_row>& rows, std::string& error) {
  std::vector<data_type_kind> kinds;
  for (const auto& column : table.columns)
    if (!column.computed)
      kinds.push_back(column.type.kind);
  const auto d = table.settings.find("format.csv-delimiter");
  return read_csv_rows(path, kinds, rows, error,
                       d != table.settings.end() && d->second.size() == 1
                         ? d->second[0]
                         : ',');
}

} // namespace ubaflow
