#include "tools/datagen/tianchi_csv.hpp"

#include "worker/parse/decimal_id.hpp"

#include <array>

namespace ubaflow {

tianchi_csv_parser::tianchi_csv_parser(timestamp_parser timestamps)
  : timestamps_(std::move(timestamps)) {
  // nop
}

bool tianchi_csv_parser::is_header(std::string_view line) {
  return line.rfind("user_id", 0) == 0;
}

parse_status tianchi_csv_parser::parse(std::string_view line, user_event& out) {
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  std::array<std::string_view, 5> columns;
  size_t column = 0;
  size_t begin = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      if (column == columns.size())
        return {reject_reason::malformed_record, "csv: more than 5 columns"};
      columns[column++] = line.substr(begin, i - begin);
      begin = i + 1;
    }
  }
  if (column != columns.size())
    return {reject_reason::malformed_record, "csv: fewer than 5 columns"};
  if (columns[0].empty() || !parse_decimal_id(columns[0], out.user_id))
    return {reject_reason::invalid_id, "field 'user_id'"};
  if (columns[1].empty() || !parse_decimal_id(columns[1], out.item_id))
    return {reject_reason::invalid_id, "field 'item_id'"};
  if (columns[2].empty() || !parse_decimal_id(columns[2], out.category_id))
    return {reject_reason::invalid_id, "field 'category_id'"};
  auto kind = behavior_from_string(columns[3]);
  if (!kind)
    return {reject_reason::unknown_behavior, "field 'behavior'"};
  out.kind = *kind;
  return timestamps_.parse_text(columns[4], out.ts);
}

} // namespace ubaflow
