#pragma once

// The aggregation of one planned query (issue 13), in both of its places:
//  - a source task pre-aggregates its rows into partials, one per
//    (window, group keys), and hands them over (take_partials) for the
//    exchange, routed by key_group_of;
//  - an owner merges the partials of its key groups and, as the
//    watermark passes a window's end, fires it: the aggregate outputs,
//    then the result stages above the aggregation. A query without a
//    window keeps its groups and gives the changed ones as upserts.
// The batch executor adds every row and fires everything at the end.
//
// CUMULATE windows share slices, as Flink's window slicing: a row goes to
// one partial, its step's slice, written as the first window of its period
// that contains it ([period start, end of its step)), instead of to every
// window of the period after it (a day of 10-minute steps: ~72 on
// average). An owner keeps a period's slices until the period ends and,
// as the watermark passes each step, folds the step's slice into the
// period's running aggregate and emits that as the window [start, step
// end). A slice arriving after its own step fired (late) goes into the
// first step still open, so it counts in the windows not yet fired, as
// before slicing; both are counted as late partials.

#include "common/sql/exec/sql_accumulator.hpp"
#include "common/sql/exec/sql_condition.hpp"
#include "common/sql/exec/sql_row_evaluator.hpp"
#include "common/sql/exec/sql_window_assigner.hpp"
#include "common/sql/sql_plan.hpp"

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ubaflow {

/// One group's partial aggregates.
struct sql_partial {
  std::optional<sql_window> window; ///< none for a query without one
  sql_row keys;                     ///< the GROUP BY keys' values
  std::vector<sql_accumulator> accumulators; ///< one per aggregate
};

/// The key group (of `key_groups`) a partial of a query routed by
/// `routing` goes to: by the group keys, or by the window's start. A
/// partial routed by distinct value holds values of many key groups (see
/// split_by_key_groups); it is filed here under the group of one of them
/// (0 when it holds none).
uint32_t key_group_of(const sql_partial& partial, sql_routing routing,
                      uint32_t key_groups);

/// A partial of a query routed by distinct value (every aggregate a
/// COUNT(DISTINCT) of one column), split by the key group of its values:
/// one partial per range of `ranges` (an owner's, or a single key group's
/// for a checkpoint), none where the range has no value. Each owner thus
/// counts its share of a window's values and the combiner adds the
/// shares, which are disjoint.
std::vector<std::optional<sql_partial>>
split_by_key_groups(const sql_partial& partial,
                    const std::vector<key_group_range>& ranges,
                    uint32_t key_groups);
/// The same with each distinct set split by `split_set` (a source reuses
/// the split of a set alike to one it split already).
using sql_set_splitter
  = std::function<std::vector<sql_distinct_set>(const sql_distinct_set&)>;
std::vector<std::optional<sql_partial>>
split_by_key_groups(const sql_partial& partial, size_t ranges,
                    const sql_set_splitter& split_set);

/// Whether every distinct value of `partial` has its key group in `range`
/// (what an owner checks of a partial routed by distinct value).
bool distinct_values_within(const sql_partial& partial, key_group_range range,
                            uint32_t key_groups);

/// The allowed lateness `ms` a query's windows get: none for CUMULATE
/// windows kept as slices (each step fires once, as the built-in job's
/// daily UV); see sql_group_aggregator::set_allowed_lateness.
int64_t allowed_lateness_of(const sql_query_plan& query, const time_zone& zone,
                            int64_t ms);

/// A query's row from its aggregates' `values` for `keys` in `window`
/// (none without one): the aggregate outputs, then the result stages
/// above the aggregation. Nothing when a stage filters the row out or an
/// expression fails (then `reject` is told why).
std::optional<sql_row>
aggregated_row(const sql_query_plan& query, const sql_row_evaluator& evaluator,
               const sql_row& keys, const sql_row& values,
               const sql_window* window,
               const std::function<void(const std::string&)>& reject);

/// An owner's share of one window of a query routed by distinct value: the
/// distinct counts (one per aggregate) of the values of `key_group`.
struct sql_share {
  uint32_t query = 0;
  uint32_t key_group = 0;
  sql_window window;
  std::vector<int64_t> counts;
};

class sql_group_aggregator {
public:
  using reject_handler = std::function<void(const std::string&)>;

  sql_group_aggregator(const sql_query_plan& query,
                       const sql_row_evaluator& evaluator,
                       reject_handler reject);
  // Not copied: it points into its own groups (last_).
  sql_group_aggregator(const sql_group_aggregator&) = delete;
  sql_group_aggregator& operator=(const sql_group_aggregator&) = delete;

  /// This aggregator is a source's pre-aggregation: its distinct sets
  /// collect values and sort them once, when the partials are taken. The
  /// caller bounds what is buffered (buffered_values()).
  void pre_aggregate();

  /// Rows and partials up to `ms` behind a window's end still count
  /// (event-time.allowed-lateness): the window is kept that long after it
  /// fired and emitted again (an upsert of its row) whenever they change
  /// it. TUMBLE and HOP windows only: a CUMULATE step fires once, as the
  /// built-in job's daily UV does. 0 by default.
  void set_allowed_lateness(int64_t ms);

  /// One row of the aggregating query's relations. `watermark`: its
  /// partition's watermark before it (a source task's, or the oracle's
  /// simulation of it). A window the watermark has passed does not take the
  /// row (late, counted); a CUMULATE slice it has passed goes to the
  /// period's first step still open, as merge() does.
  void add(const sql_relations& relations,
           int64_t watermark = INT64_MIN);
  /// A partial from elsewhere (a source, across the exchange). A partial
  /// of a window already fired (late: its source's watermark lagged) is
  /// dropped and counted, never fired a second time with part of its data.
  void merge(sql_partial partial);
  /// The groups so far, handed over and forgotten (a source's flush).
  std::vector<sql_partial> take_partials();
  /// A copy of the groups, which stay (an owner's checkpoint).
  std::vector<sql_partial> copy_partials() const;

  /// Fires every window whose end the watermark has passed (all windows
  /// with `max_timestamp() <= watermark`), in window then key order: the
  /// query's rows, result stages applied. Fired windows are dropped.
  std::vector<sql_row> fire(int64_t watermark);
  /// A window fire_each() hands over.
  struct fired_window {
    const sql_window& window;
    /// The window's aggregates; for a CUMULATE step (added set below) empty
    /// ones of the same functions: the period's values are not copied for
    /// each step.
    const std::vector<sql_accumulator>& accumulators;
    /// CUMULATE steps kept as slices: what this step added to the period
    /// (a distinct set: the values not in it before), and whether it is the
    /// period's last step; null for other windows. Counting a step's
    /// additions instead of the whole period costs each value once a
    /// period, not once a step.
    const std::vector<sql_accumulator>* added = nullptr;
    bool period_ends = false;
  };
  using window_visitor = std::function<void(const fired_window&)>;
  /// fire(), but each fired window handed to `visit` instead of the
  /// query's rows (an owner counting its key groups' shares of a query
  /// routed by distinct value).
  void fire_each(int64_t watermark, const window_visitor& visit);
  /// A query without a window: the groups changed since the last call, as
  /// rows (upserts); the groups are kept.
  std::vector<sql_row> updates();
  /// Everything now: fire(every window), or updates().
  std::vector<sql_row> finish();

  size_t groups() const { return groups_.size(); }
  /// Values added to the distinct sets of a pre-aggregation since the
  /// partials were last taken (an upper bound: NULLs count too).
  uint64_t buffered_values() const { return buffered_values_; }
  /// Partials dropped by merge() because their window had fired.
  uint64_t late_partials() const { return late_partials_; }
  /// Rows add() found late for at least one of their windows.
  uint64_t late_rows() const { return late_rows_; }

  /// Whether the last row add() was given went, on time, to its one
  /// window (a TUMBLE window the watermark had not reached): what lets an
  /// alike query take that row from this one's partials instead of adding
  /// it again (sql_shared_ingestion.hpp). forget_last_row() clears it
  /// before a row, as a row its conditions drop never reaches add().
  bool took_last_row_on_time() const { return took_on_time_; }
  void forget_last_row() { took_on_time_ = false; }
  /// The window a row of event time `time` is added to (its first window;
  /// a CUMULATE row's slice, as [period start, end of its step)); none
  /// for a query without a window.
  std::optional<sql_window> window_of(int64_t time) const {
    if (!assigner_)
      return std::nullopt;
    return assigner_->first_window(time);
  }

private:
  struct group_key {
    int64_t start = 0;
    int64_t end = 0;
    sql_row keys;
    friend bool operator==(const group_key& a, const group_key& b) {
      return a.start == b.start && a.end == b.end && a.keys == b.keys;
    }
  };
  struct group_key_hash {
    size_t operator()(const group_key& g) const;
  };
  struct group {
    sql_partial partial;
    bool changed = false;
  };
  /// A CUMULATE period of one group: its slices folded so far.
  struct period_key {
    int64_t start = 0;
    sql_row keys;
    friend bool operator==(const period_key& a, const period_key& b) {
      return a.start == b.start && a.keys == b.keys;
    }
  };
  struct period_key_hash {
    size_t operator()(const period_key& p) const;
  };
  struct period {
    int64_t folded_to = 0; ///< the end of the last step folded in
    bool has_data = false;
    std::vector<sql_accumulator> running;
  };

  /// The group of a window (none: a running aggregate) and keys. Rows
  /// come in runs of one window and keys (event time moves slowly), so the
  /// last group found is tried first, inline: the window is compared in
  /// the caller's registers, not reloaded from a temporary it was just
  /// stored to (a wide load of two fresh stores stalls).
  group& group_for(const sql_window* window, const sql_row& keys) {
    if (last_ && (window ? last_->partial.window
                             && last_->partial.window->start == window->start
                             && last_->partial.window->end == window->end
                         : !last_->partial.window)
        && last_->partial.keys == keys)
      return *last_;
    return find_group(window, keys);
  }
  group& find_group(const sql_window* window, const sql_row& keys);
  std::vector<sql_row> output(std::vector<const group*> fired);
  /// What a CUMULATE step added, in the order fire_slices() fires steps.
  struct step_growth {
    std::vector<sql_accumulator> added;
    bool period_ends = false;
  };
  /// Set during fire_each() over slices: where fire_slices() puts them.
  std::vector<step_growth>* growth_ = nullptr;
  /// The windows due at `watermark`, handed to `take` (see fire()).
  using fired_handler = std::function<void(std::vector<const group*>)>;
  void fire_groups(int64_t watermark, const fired_handler& take);
  void fire_slices(int64_t watermark, const fired_handler& take);
  std::vector<sql_accumulator> fresh_accumulators() const;

  const sql_query_plan& query_;
  const sql_row_evaluator& evaluator_;
  reject_handler reject_;
  std::optional<sql_window_assigner> assigner_;
  /// Each aggregate's FILTER (WHERE ...), compiled; none without one.
  std::vector<std::optional<sql_condition>> filters_;
  std::string why_; ///< a filter's error, reused
  std::unordered_map<group_key, group, group_key_hash> groups_;
  /// CUMULATE: slices instead of windows (see above).
  bool sliced_ = false;
  std::unordered_map<period_key, period, period_key_hash> periods_;
  /// No window or step fires before the watermark reaches this.
  int64_t next_due_ = INT64_MAX;
  std::vector<sql_window> windows_; ///< scratch of add()
  /// Scratch of add() and group_for(): reused, so that a row costs no
  /// allocation once they have grown.
  sql_row keys_;
  std::vector<const sql_value*> arguments_;
  std::vector<sql_value> argument_values_;
  group_key probe_;
  /// The group group_for() found last (node pointers stay valid until the
  /// group is erased; every erase forgets it).
  group* last_ = nullptr;
  /// The highest watermark fire() was given: windows up to it are gone.
  int64_t fired_up_to_ = INT64_MIN;
  int64_t step_ms_ = 0; ///< CUMULATE's step
  bool collecting_ = false; ///< pre_aggregate()
  bool took_on_time_ = false; ///< took_last_row_on_time()
  uint32_t distinct_aggregates_ = 0;
  uint64_t buffered_values_ = 0;
  uint64_t late_partials_ = 0;
  uint64_t late_rows_ = 0;
  /// The first step end of `slice`'s period after `watermark`, or nothing
  /// when the period has ended (CUMULATE).
  std::optional<int64_t> open_step_end(const sql_window& slice,
                                       int64_t watermark) const;
  /// Whether the watermark has passed the window's end and its allowed
  /// lateness: it takes nothing more.
  bool beyond_lateness(const sql_window& window, int64_t watermark) const;
  /// A window changed: due at its end, again if it had fired.
  void keep_due(const sql_window& window);
  int64_t lateness_ms_ = 0;
};

} // namespace ubaflow
