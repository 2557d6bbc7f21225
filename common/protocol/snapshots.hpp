#pragma once

// The state of one key group as a checkpoint stores it: the unit in which
// keyed state is saved and moved between owners on rescaling. Produced by
// keyed_state::snapshot, consumed by keyed_state::restore.

#include "common/protocol/partials.hpp"
#include "common/protocol/results.hpp"
#include "common/time/event_time.hpp"
#include "common/util/key_groups.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// One buy_cnt_per_hour window (its key group is that of its start).
struct hourly_window_snapshot {
  event_time window_start = 0;
  int64_t buys = 0;
  bool emitted = false;
  bool dirty = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        hourly_window_snapshot& x) {
  return f(caf::meta::type_name("hourly_window_snapshot"), x.window_start,
           x.buys, x.emitted, x.dirty);
}

/// The running buy count of one parent category.
struct category_snapshot {
  std::string name;
  int64_t buys = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, category_snapshot& x) {
  return f(caf::meta::type_name("category_snapshot"), x.name, x.buys);
}

/// The users of one 10-minute step in one key group, with the step's flags.
struct uv_cell_snapshot {
  event_time step_start = 0;
  bool has_tumbling = false;
  bool tumbling_emitted = false;
  bool tumbling_dirty = false;
  bool daily_merged = false;
  user_id_set both;
  user_id_set tumbling_only;
  user_id_set daily_only;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, uv_cell_snapshot& x) {
  return f(caf::meta::type_name("uv_cell_snapshot"), x.step_start,
           x.has_tumbling, x.tumbling_emitted, x.tumbling_dirty,
           x.daily_merged, x.both, x.tumbling_only, x.daily_only);
}

/// The users of one open day in one key group (a serialized bitmap).
struct uv_day_snapshot {
  event_time day = 0;
  event_time next_step = 0;
  bool emitted_any = false;
  std::string seen; ///< user_bitmap::serialize()
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, uv_day_snapshot& x) {
  return f(caf::meta::type_name("uv_day_snapshot"), x.day, x.next_step,
           x.emitted_any, x.seen);
}

struct key_group_snapshot {
  key_group group = 0;
  std::vector<hourly_window_snapshot> hourly;
  std::vector<category_snapshot> categories;
  std::vector<uv_cell_snapshot> uv_cells;
  std::vector<uv_day_snapshot> uv_days;
  /// The group's state (sql_keyed_state::snapshot). The fields above are
  /// the former hard-wired job's: never written, decoded from its
  /// checkpoints so that a restore refuses them (sql_owner_state).
  std::string sql;

  bool empty() const {
    return hourly.empty() && categories.empty() && uv_cells.empty()
           && uv_days.empty() && sql.empty();
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, key_group_snapshot& x) {
  return f(caf::meta::type_name("key_group_snapshot"), x.group, x.hourly,
           x.categories, x.uv_cells, x.uv_days, x.sql);
}

/// One UV window or day-to-date step the combiner has not finalized.
struct uv_window_snapshot {
  bool daily = false;
  event_time window_start = 0;
  event_time window_end = 0;
  bool emitted = false;
  int64_t emitted_total = 0;
  std::vector<group_users> groups;
  uint32_t query = 0;     ///< SQL: as uv_slice::query
  uint32_t aggregate = 0; ///< SQL: as uv_slice::aggregate
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, uv_window_snapshot& x) {
  return f(caf::meta::type_name("uv_window_snapshot"), x.daily,
           x.window_start, x.window_end, x.emitted, x.emitted_total,
           x.groups, x.query, x.aggregate);
}

/// The UV combiner's state: pending windows and progress per key group.
struct combiner_snapshot {
  std::vector<event_time> progress; ///< per key group
  /// Per key group, 0 or 1. A string rather than a byte vector: CAF 0.17
  /// allocates a byte vector of any announced length before reading it.
  std::string final;
  std::vector<uv_window_snapshot> windows;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, combiner_snapshot& x) {
  return f(caf::meta::type_name("combiner_snapshot"), x.progress, x.final,
           x.windows);
}

} // namespace ubaflow
