#pragma once

#include "common/time/event_time.hpp"
#include "common/util/key_groups.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// The four results of the seed's job; each is one Elasticsearch index.
enum class result_kind : uint8_t {
  buy_cnt_per_hour,
  cumulative_uv,
  cumulative_uv_daily,
  top_category,
};

constexpr size_t result_kind_count = 4;

const char* to_string(result_kind kind);

/// One finished (or updated) result row on its way to the sinks. Rows with
/// the same index and id replace each other: that is what makes replays
/// after a failure idempotent.
struct result_row {
  /// The index it belongs to, without the sinks' prefix: a sink table's
  /// 'index' (SQL jobs) or the seed's name of a result (to_string(kind)).
  std::string index;
  std::string id;       ///< deterministic document id
  std::string document; ///< the JSON object to store
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, result_row& x) {
  return f(caf::meta::type_name("result_row"), x.index, x.id, x.document);
}

/// The seed's four index names, in result_kind order.
std::vector<std::string> result_index_names();

/// The result named `index`, if it is one of the seed's four.
std::optional<result_kind> result_kind_named(std::string_view index);

/// Distinct users of one key group in one window or step.
struct group_users {
  key_group group = 0;
  int64_t users = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, group_users& x) {
  return f(caf::meta::type_name("group_users"), x.group, x.users);
}

/// The distinct-user counts of one keyed-state owner's key groups for one
/// UV window (tumbling) or one day-to-date step (daily). Global UV is the
/// sum over all key groups. Counts are per key group, not per owner, so
/// that a combiner keeps them apart when owners' ranges change (rescaling
/// from a checkpoint): a newer count for a key group replaces the older.
/// A job written in SQL sends one slice per query routed by distinct value
/// and per aggregate of it (`query`, `aggregate`; `daily` unused): the
/// distinct values of each key group counted by that aggregate.
struct uv_slice {
  bool daily = false;
  event_time window_start = 0; ///< day start for daily slices
  event_time window_end = 0;
  key_group_range range;
  int64_t users = 0;                ///< sum of `groups`
  std::vector<group_users> groups;  ///< key groups with users, ascending
  uint32_t query = 0;     ///< SQL: sql_plan::queries
  uint32_t aggregate = 0; ///< SQL: the query's aggregates
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, key_group_range& x) {
  return f(caf::meta::type_name("key_group_range"), x.first, x.last);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, uv_slice& x) {
  return f(caf::meta::type_name("uv_slice"), x.daily, x.window_start,
           x.window_end, x.range, x.users, x.groups, x.query,
           x.aggregate);
}

/// An owner has emitted every slice for windows that end at or before
/// `watermark` (+1 ms); `final` once its inputs have all finished.
struct owner_progress {
  key_group_range range;
  event_time watermark = min_event_time;
  bool final = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, owner_progress& x) {
  return f(caf::meta::type_name("owner_progress"), x.range, x.watermark,
           x.final);
}

/// Slices and progress of one owner in one message, so that a combiner
/// never sees progress before the slices it covers.
struct uv_report {
  uint32_t owner = 0; ///< the sending owner's index
  std::vector<uv_slice> slices;
  owner_progress progress;
  /// Non-zero: the owner has passed checkpoint `barrier` with this report.
  uint64_t barrier = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, uv_report& x) {
  return f(caf::meta::type_name("uv_report"), x.owner, x.slices, x.progress,
           x.barrier);
}

} // namespace ubaflow
