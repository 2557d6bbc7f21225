#pragma once

// The plan of a bound SQL script (issue 13): how each INSERT maps onto
// ubaflow's distributed shape, the same for every query and the same as
// the four results of today:
//
//   source (one read per source table, shared by every query over it)
//     → row pipeline: the views' and the query's filters, projections and
//       lookup joins, run in the source task
//     → pre-aggregation: partial aggregates per (window, group keys)
//     → exchange: partials routed to key groups (sql_routing)
//     → keyed state: the owners' windows or running aggregates
//     → (combiner: sums the owners' distinct counts, when routed by value)
//     → result rows: the query's projection above its aggregation
//     → sink
//
// The planner (sql_planner.hpp) builds it from a bound_script and refuses
// what the shape cannot run; `ubaflow sql` explains it (sql_explain.hpp).
// The plan refers to the script's tables and expressions by copy, so it
// stands on its own.

#include "common/sql/sql_bound.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

/// Where a query's partial aggregates cross the exchange to.
enum class sql_routing : uint8_t {
  /// The hash of the group keys: one owner holds each key's windows.
  group_keys,
  /// No group keys, every aggregate a COUNT(DISTINCT x) of one column:
  /// the hash of x, so each owner counts its share of the values exactly
  /// and the combiner adds the shares (disjoint by construction).
  distinct_value,
  /// No group keys, a window: the hash of the window's start.
  window,
  /// No group keys, no window (a running total): key group 0.
  single_group,
};

const char* to_string(sql_routing routing);

/// What the owners keep per (window, keys) or per keys.
enum class sql_state_kind : uint8_t {
  window_aggregates,  ///< fired and dropped when the watermark passes
  running_aggregates, ///< kept for the job's life; emitted as upserts
};

/// How an exact distinct count keeps its values.
enum class sql_distinct_storage : uint8_t {
  none,
  roaring_bitmap, ///< integer columns
  hash_set,       ///< anything else (strings)
};

/// One source table read once for the whole job.
struct sql_source_plan {
  uint32_t table = 0; ///< into bound_script::tables
  /// Indices of the queries (sql_plan::queries) fed by this read.
  std::vector<uint32_t> queries;
};

/// One layer of the row pipeline, innermost first: a view's or subquery's
/// (or the query's own) filter, lookup joins and projection.
struct sql_row_stage {
  std::string name; ///< the view's name, or the sink's for the query itself
  std::vector<bound_relation> relations;
  std::vector<bound_lookup_join> joins;
  /// Checked first, over the FROM row alone: the conjuncts the planner
  /// moved down (sql_filter_pushdown.hpp), so a row they drop costs no
  /// lookup.
  std::optional<bound_expression> before_joins;
  std::optional<bound_expression> where; ///< after the lookups
  std::vector<bound_output> outputs; ///< empty: the layer above aggregates
};

/// One INSERT, planned.
struct sql_query_plan {
  uint32_t insert = 0; ///< into bound_script::inserts
  uint32_t sink = 0;   ///< into bound_script::tables
  uint32_t source = 0; ///< into bound_script::tables: the table read
  source_position position;
  /// Row stages below the aggregation, innermost (next to the source)
  /// first. With an aggregation, the last is the aggregating query's own
  /// FROM side (its joins and WHERE, no outputs): what it groups.
  std::vector<sql_row_stage> rows;
  /// The aggregating query (GROUP BY / aggregates) and what it outputs.
  bool aggregated = false;
  std::optional<bound_window> window;
  std::vector<bound_expression> group_keys;
  std::vector<bound_aggregate> aggregates;
  std::vector<bound_output> aggregate_outputs;
  /// Projections (and filters) above the aggregation, innermost first:
  /// an outer query reading an aggregating view.
  std::vector<sql_row_stage> results;
  /// Without an aggregation rows go from the source straight to the sink
  /// and what follows does not apply.
  sql_routing routing = sql_routing::group_keys;
  sql_state_kind state = sql_state_kind::window_aggregates;
  sql_distinct_storage distinct = sql_distinct_storage::none;
  bool combiner = false; ///< routed by distinct value: a combiner sums
  bool updating = false; ///< writes upserts over rows it wrote before
};

struct sql_plan {
  std::vector<sql_source_plan> sources;
  std::vector<sql_query_plan> queries;
};

} // namespace ubaflow
