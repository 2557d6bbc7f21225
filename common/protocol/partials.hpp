#pragma once

#include "common/time/event_time.hpp"
#include "common/util/key_groups.hpp"

#include "common/protocol/user_id_codec.hpp"

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/sec.hpp>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace ubaflow {

/// Messages of the exchange: pre-aggregated partials that a source task
/// sends to the owner of each key group, instead of raw events.

/// A sorted set of distinct user ids (BIGINT ids cast to uint64): what the
/// former hard-wired job's checkpoints hold (snapshots.hpp), decoded so that
/// such a savepoint is refused with a clear message.
struct user_id_set {
  std::vector<uint64_t> ids; ///< strictly increasing

  size_t size() const { return ids.size(); }
  bool empty() const { return ids.empty(); }
};

namespace detail {

/// True for CAF inspectors that write into the object (deserializers).
template <class Inspector, class = void>
struct inspector_loads : std::false_type {};

template <class Inspector>
struct inspector_loads<Inspector, std::void_t<decltype(Inspector::writes_state)>>
  : std::bool_constant<Inspector::writes_state> {};

} // namespace detail

/// On the wire a user_id_set is delta-varint encoded (user_id_codec.hpp):
/// the exchange's volume is mostly these ids. The bytes travel as a string:
/// CAF 0.17 checks a string's announced length against the input before
/// allocating, but resizes a byte vector to whatever length a peer claims.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_id_set& x) {
  std::string bytes;
  if constexpr (detail::inspector_loads<Inspector>::value) {
    auto decode = caf::meta::load_callback([&]() -> caf::error {
      if (!decode_user_ids(bytes, x.ids))
        return caf::make_error(caf::sec::invalid_argument,
                               "malformed user id set");
      return caf::none;
    });
    return f(caf::meta::type_name("user_id_set"), bytes, decode);
  } else {
    encode_user_ids(x.ids, bytes);
    return f(caf::meta::type_name("user_id_set"), bytes);
  }
}

/// One flush of one source task towards one keyed-state owner. The
/// watermark describes the source after every record folded into this
/// batch; owners combine the watermarks of all their inputs.
struct partial_batch {
  uint32_t source = 0;   ///< input channel index at the owner
  uint64_t sequence = 0; ///< per (source, owner), starting at 1
  event_time watermark = min_event_time;
  bool idle = false;
  bool end_of_input = false;
  /// Non-zero: the last batch before checkpoint `barrier` from this source;
  /// everything the source sends afterwards belongs after the checkpoint.
  uint64_t barrier = 0;
  /// Per query of the job's plan, the encoded partials of the owner's key
  /// groups (sql_partial_codec), "" for none; or empty altogether.
  std::vector<std::string> sql;

  bool has_data() const {
    for (const auto& q : sql)
      if (!q.empty())
        return true;
    return false;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partial_batch& x) {
  return f(caf::meta::type_name("partial_batch"), x.source, x.sequence,
           x.watermark, x.idle, x.end_of_input, x.barrier, x.sql);
}

} // namespace ubaflow
