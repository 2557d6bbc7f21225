#pragma once

#include "common/time/time_zone.hpp"
#include "tools/datagen/user_event.hpp"

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace ubaflow {

/// How `ts` is written.
enum class ts_shape {
  sql,        ///< "2017-11-26 10:00:00" (wall clock, the default)
  iso,        ///< "2017-11-26T10:00:00"
  iso_z,      ///< "2017-11-26T10:00:00Z" holding wall-clock time, as datagen.py
  iso_offset, ///< "2017-11-26T10:00:00+08:00"
  utc_z,      ///< "2017-11-26T02:00:00Z", a true UTC instant
  epoch_s,    ///< 1511661600 (a JSON number)
  epoch_ms,   ///< "1511661600000" (a numeric string)
  mixed,      ///< rotates through all of the above
};

std::optional<ts_shape> ts_shape_from_string(const std::string& text);

/// Formats events as the seed's Kafka messages
///   {"user_id":"1","item_id":"2","category_id":"3","behavior":"pv","ts":"…"}
/// (ids as strings like the seed's generators, or as numbers), or as
/// Tianchi CSV lines with epoch seconds. Allocation-free on the hot path.
class message_writer {
public:
  message_writer(time_zone zone, ts_shape shape, bool numeric_ids);

  /// Replaces `out` with the JSON message for `e`.
  void json(const user_event& e, std::string& out);

  /// Replaces `out` with "user,item,category,behavior,epoch_seconds".
  void csv(const user_event& e, std::string& out);

  /// Replaces `out` with one of several broken messages (rotating through
  /// malformed JSON, missing field, bad id, unknown behaviour, bad
  /// timestamp, impossible date), derived from `e`.
  void malformed(const user_event& e, uint64_t variant, std::string& out);

private:
  void append_ts(const user_event& e, ts_shape shape, std::string& out);

  time_zone zone_;
  ts_shape shape_;
  bool numeric_ids_;
  uint64_t mixed_counter_ = 0;
};

} // namespace ubaflow
