#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace ubaflow {

/// Why a record was not turned into a `user_event`. Every value is a
/// metric label (`ubaflow_records_rejected_total{reason="..."}`), so names
/// are stable snake_case.
enum class reject_reason : uint8_t {
  none = 0,
  /// Not well-formed JSON (or a CSV line with the wrong column count), or
  /// not a JSON object.
  malformed_record,
  /// One of user_id, item_id, category_id, behavior, ts is absent or null.
  missing_field,
  /// An id is not an integer (JSON integer or numeric string) in BIGINT range.
  invalid_id,
  /// `behavior` is not one of pv, buy, cart, fav.
  unknown_behavior,
  /// `ts` has none of the accepted shapes or names an impossible date.
  invalid_timestamp,
  /// `ts` parsed but lies outside the configured valid event-time range.
  timestamp_out_of_range,
  /// `ts` lies more than event-time.max-future ahead of the wall clock: a
  /// broken clock or a typo, which would otherwise drag the watermark into
  /// the future and make every real record late.
  timestamp_in_future,
  /// The record is larger than source.max-record-size (not parsed at all).
  record_too_large,
};

constexpr size_t reject_reason_count = 9;

const char* to_string(reject_reason reason);

/// All reasons except `none`, in declaration order.
constexpr std::array<reject_reason, reject_reason_count - 1> all_reject_reasons{
  reject_reason::malformed_record,  reject_reason::missing_field,
  reject_reason::invalid_id,        reject_reason::unknown_behavior,
  reject_reason::invalid_timestamp, reject_reason::timestamp_out_of_range,
  reject_reason::timestamp_in_future, reject_reason::record_too_large,
};

/// Outcome of parsing one record: `reason == none` means success; `detail`
/// is a static string naming what was wrong ("field 'ts'").
struct parse_status {
  reject_reason reason = reject_reason::none;
  const char* detail = "";

  bool ok() const { return reason == reject_reason::none; }
};

/// Per-reason counters of one parser instance.
struct reject_counts {
  std::array<uint64_t, reject_reason_count> by_reason{};

  void add(reject_reason reason, uint64_t n = 1) {
    by_reason[static_cast<size_t>(reason)] += n;
  }
  uint64_t operator[](reject_reason reason) const {
    return by_reason[static_cast<size_t>(reason)];
  }
  uint64_t total() const;
  reject_counts& operator+=(const reject_counts& other);
};

} // namespace ubaflow
