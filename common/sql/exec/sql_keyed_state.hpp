#pragma once

// A SQL job's keyed-state owner, as logic (issue 13): the aggregation state
// of every query for one range of key groups. It merges the partials the
// sources send (sql_partial_batch), tracks each source's watermark, and as
// their minimum passes a window's end fires it; running aggregates are
// emitted as upserts. Its state is checkpointed and restored by key group,
// so that a rescale moves key groups between owners.

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/exec/sql_source_state.hpp"
#include "common/util/key_groups.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

class sql_keyed_state {
public:
  /// Owns `range` of `key_groups`, fed by `inputs` sources.
  sql_keyed_state(const bound_script& script, const sql_plan& plan,
                  const sql_row_evaluator& evaluator, key_group_range range,
                  uint32_t key_groups, uint32_t inputs);

  /// event-time.allowed-lateness for every windowed query
  /// (sql_group_aggregator::set_allowed_lateness).
  void set_allowed_lateness(int64_t ms) {
    for (auto& query : queries_)
      query->set_allowed_lateness(ms);
  }

  /// A source's batch; false with `error` (and nothing taken) when it is
  /// malformed or from an unknown source.
  bool take(const sql_partial_batch& batch, std::string& error);
  /// The same for the partials alone (an owner that tracks its inputs'
  /// watermarks itself).
  bool take_partials(uint32_t source, const std::vector<std::string>& partials,
                     std::string& error);
  /// Rows of queries without aggregation taken since the last call, in
  /// the order they came: written at once (they are final), so none is
  /// left when a checkpoint's snapshot is taken.
  std::vector<sql_sink_row> take_direct_rows();
  /// The shares of queries routed by distinct value (sql_plan::combiner)
  /// fired since the last call, for the combiner: those queries give no
  /// rows here, the combiner adds the shares of every key group.
  std::vector<sql_share> take_shares();
  /// Rows due now: windows the watermark (the minimum over the sources)
  /// has passed, and the running groups changed since the last call.
  std::vector<sql_sink_row> emit();
  /// The windows `watermark` has passed (an owner that combines its
  /// inputs' watermarks itself, idle inputs aside).
  std::vector<sql_sink_row> fire(int64_t watermark);
  /// The running groups changed since the last call (upserts).
  std::vector<sql_sink_row> updates();
  /// The input ended: every window fires, running groups are emitted.
  std::vector<sql_sink_row> finish();

  /// The state by key group: per key group, every query's partials.
  std::map<uint32_t, std::string> snapshot() const;
  /// Adds a key group's state from a snapshot (this owner's or another's
  /// before a rescale); false with `error` when malformed or not ours.
  bool restore(uint32_t key_group, std::string_view bytes, std::string& error);

  int64_t watermark() const;
  uint64_t late_partials() const;
  /// Groups held over every query (a window and its key, or a running
  /// query's key).
  uint64_t open_groups() const;
  uint64_t rejected() const { return rejected_; }

private:
  const bound_script& script_;
  const sql_plan& plan_;
  key_group_range range_;
  uint32_t key_groups_;
  std::vector<int64_t> input_watermarks_;
  std::vector<std::unique_ptr<sql_group_aggregator>> queries_;
  uint64_t rejected_ = 0;
  std::vector<sql_sink_row> direct_;
  std::vector<sql_share> shares_;
  /// Queries routed by distinct value over CUMULATE windows: per (query,
  /// period start), each key group's counts so far in the period, to
  /// which each step adds the counts of the values it added. Rebuilt as
  /// a restored owner folds the period's slices again from its start.
  std::map<std::pair<uint32_t, int64_t>, std::map<uint32_t, std::vector<int64_t>>>
    period_counts_;

  /// The shares of query `q` the watermark has passed: per fired window,
  /// the distinct values of each of the range's key groups counted.
  void fire_shares(uint32_t q, int64_t watermark);
};

} // namespace ubaflow
