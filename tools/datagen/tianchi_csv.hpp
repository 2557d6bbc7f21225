#pragma once

#include "common/protocol/reject_reason.hpp"
#include "worker/parse/timestamp_parser.hpp"
#include "tools/datagen/user_event.hpp"

#include <string_view>

namespace ubaflow {

/// Parses a line of the Tianchi UserBehavior CSV (what datagen replays),
///   user_id,item_id,category_id,behavior,timestamp
/// (no header, epoch seconds in the last column; any accepted timestamp
/// shape works there too). A trailing '\r' is ignored.
class tianchi_csv_parser {
public:
  explicit tianchi_csv_parser(timestamp_parser timestamps);

  parse_status parse(std::string_view line, user_event& out);

  /// True for a header line such as "user_id,item_id,...".
  static bool is_header(std::string_view line);

  timestamp_parser& timestamps() { return timestamps_; }

private:
  timestamp_parser timestamps_;
};

} // namespace ubaflow
