#include "common/protocol/reject_reason.hpp"

namespace ubaflow {

const char* to_string(reject_reason reason) {
  switch (reason) {
    case reject_reason::none:
      return "none";
    case reject_reason::malformed_record:
      return "malformed_record";
    case reject_reason::missing_field:
      return "missing_field";
    case reject_reason::invalid_id:
      return "invalid_id";
    case reject_reason::unknown_behavior:
      return "unknown_behavior";
    case reject_reason::invalid_timestamp:
      return "invalid_timestamp";
    case reject_reason::timestamp_out_of_range:
      return "timestamp_out_of_range";
    case reject_reason::timestamp_in_future:
      return "timestamp_in_future";
    case reject_reason::record_too_large:
      return "record_too_large";
  }
  return "?";
}

uint64_t reject_counts::total() const {
  uint64_t sum = 0;
  for (size_t i = 1; i < by_reason.size(); ++i)
    sum += by_reason[i];
  return sum;
}

reject_counts& reject_counts::operator+=(const reject_counts& other) {
  for (size_t i = 0; i < by_reason.size(); ++i)
    by_reason[i] += other.by_reason[i];
  return *this;
}

} // namespace ubaflow
