#pragma once

#include "common/protocol/results.hpp"
#include "common/time/time_zone.hpp"

#include <string>

namespace ubaflow {

/// Builds the result documents with the seed's field names
/// (`hour_of_day, buy_cnt, event_time`; `time_str, uv`;
/// `category_name, buy_cnt`) plus `window_start`/`window_end` as ISO-8601
/// instants with the zone's offset, which Kibana needs for time axes
/// (Elasticsearch reads the seed's zone-less strings as UTC).
///
/// Document ids are deterministic so that a replay overwrites instead of
/// duplicating: the window's start (hourly) or end (UV) as
/// yyyy-MM-ddTHH:mm:ss, or the category name (hashed when it is longer
/// than Elasticsearch's 512-byte limit).
class result_formatter {
public:
  explicit result_formatter(time_zone zone);

  result_row hourly(event_time start, event_time end, int64_t buys) const;
  result_row uv(event_time start, event_time end, int64_t users) const;
  result_row daily(event_time day_start, event_time end, int64_t users) const;
  result_row category(const std::string& name, int64_t buys) const;

  /// The document id used for a category name.
  static std::string category_id(const std::string& name);

private:
  std::string instant(event_time local) const;

  time_zone zone_;
};

} // namespace ubaflow
