#include "common/sql/exec/sql_source_state.hpp"

#include "common/sql/exec/sql_partial_codec.hpp"
#include "common/sql/exec/sql_shared_ingestion.hpp"

#include <algorithm>
#include <utility>

namespace ubaflow {

sql_row in_sink_columns(const bound_script& script,
                        const sql_query_plan& query, sql_row row) {
  const auto& insert = script.inserts.at(query.insert);
  sql_row placed(script.tables.at(query.sink).columns.size());
  for (size_t i = 0; i < row.size() && i < insert.target_columns.size(); ++i)
    placed.at(insert.target_columns[i]) = std::move(row[i]);
  return placed;
}

sql_source_state::sql_source_state(
  const bound_script& script, const sql_plan& plan, uint32_t table,
  uint32_t source_index,
  const std::map<uint32_t, std::vector<sql_row>>& dimensions,
  const sql_row_evaluator& evaluator, std::vector<key_group_range> owners,
  uint32_t key_groups)
  : script_(script), plan_(plan), evaluator_(evaluator), table_(table),
    source_index_(source_index),
    owners_(std::move(owners)), key_groups_(key_groups) {
  reject_ = [this](const std::string&) { ++rejected_; };
  const auto& reject = reject_;
  for (uint32_t q = 0; q < plan.queries.size(); ++q) {
    const auto& query = plan.queries[q];
    if (query.source != table)
      continue;
    query_run run;
    run.index = q;
    has_direct_queries_ = has_direct_queries_ || !query.aggregated;
    origin_rows_.resize(plan.queries.size(), 0);
    run.aggregator
      = std::make_unique<sql_group_aggregator>(query, evaluator, reject);
    run.aggregator->pre_aggregate();
    auto* aggregator = run.aggregator.get();
    run.rows = std::make_unique<sql_query_rows>(
      script, query, dimensions, evaluator,
      sql_row_handlers{
        [this, aggregator](const sql_relations& relations) {
          aggregator->add(relations, record_watermark_);
        },
        [this, q](sql_row row) {
          const auto& target = plan_.queries[q];
          sql_sink_row out{q, in_sink_columns(script_, target, std::move(row)),
                           {}};
          const uint32_t n = origin_rows_[q]++;
          if (script_.tables.at(target.sink).primary_key.empty())
            out.id = direct_row_id(origin_partition_, origin_offset_, q, n);
          direct_.push_back(std::move(out));
        },
        reject});
    // An alike query before it (one that takes no rows from another)
    // adds the rows for both.
    for (size_t l = 0; l < queries_.size(); ++l)
      if (!queries_[l].leader
          && shares_ingestion(plan.queries[queries_[l].index], query)) {
        run.leader = l;
        queries_[l].leads = true;
        break;
      }
    queries_.push_back(std::move(run));
  }
  // The event-time column among the physical ones the records carry.
  const auto& t = script.tables.at(table);
  complete_.resize(t.columns.size());
  computed_ = sql_query_rows::computed_columns(t);
  for (uint32_t c = 0; c < t.columns.size(); ++c)
    if (!t.columns[c].computed)
      physical_at_.push_back(c);
  if (t.watermark && !t.columns.at(t.watermark->column).computed) {
    const auto at = std::find(physical_at_.begin(), physical_at_.end(),
                              t.watermark->column);
    physical_time_column_ = static_cast<uint32_t>(at - physical_at_.begin());
    time_column_ = t.watermark->column;
    delay_ms_ = t.watermark->delay_ms;
  }
}

std::optional<int64_t> sql_source_state::add(const sql_row& physical,
                                             int64_t processing_time_ms,
                                             int64_t watermark) {
  // The record's values into the complete row (its buffers reused).
  const size_t given = std::min(physical.size(), physical_at_.size());
  for (size_t p = 0; p < given; ++p)
    complete_[physical_at_[p]] = physical[p];
  for (size_t p = given; p < physical_at_.size(); ++p)
    complete_[physical_at_[p]] = sql_value::null();
  return add_table_row(complete_, processing_time_ms, watermark);
}

std::optional<int64_t> sql_source_state::add_table_row(sql_row& row,
                                                       int64_t processing_time_ms,
                                                       int64_t watermark) {
  record_watermark_ = watermark;
  if (row.size() != complete_.size())
    row.resize(complete_.size()); // a caller's bug; rows are the table's
  std::optional<int64_t> t;
  if (time_column_ && !row[*time_column_].is_null()) {
    t = row[*time_column_].as_millis();
    max_time_ = std::max(max_time_, *t);
  }
  // The computed columns once, for every query.
  const auto& table = script_.tables[table_];
  for (const auto c : computed_)
    if (!sql_query_rows::fill_computed_column(table, c, processing_time_ms,
                                              evaluator_, reject_, row))
      return t;
  for (auto& run : queries_) {
    if (run.leader && queries_[*run.leader].aggregator->took_last_row_on_time())
      continue; // in its leader's partials, taken at the flush
    if (run.leads)
      run.aggregator->forget_last_row();
    run.rows->feed_complete(row);
  }
  return t;
}

std::optional<int64_t>
sql_source_state::event_time_of(const sql_row& physical) const {
  if (!physical_time_column_ || *physical_time_column_ >= physical.size())
    return std::nullopt;
  const auto& t = physical[*physical_time_column_];
  if (t.is_null())
    return std::nullopt;
  return t.as_millis();
}

uint64_t sql_source_state::late_rows() const {
  uint64_t n = 0;
  for (const auto& run : queries_)
    n += run.aggregator->late_rows();
  return n;
}

std::vector<std::pair<uint32_t, uint64_t>>
sql_source_state::late_rows_by_query() const {
  std::vector<std::pair<uint32_t, uint64_t>> out;
  for (const auto& run : queries_)
    out.emplace_back(run.index, run.aggregator->late_rows());
  return out;
}

size_t sql_source_state::buffered_groups() const {
  size_t n = 0;
  for (const auto& run : queries_)
    n += run.aggregator->groups();
  return n;
}

uint64_t sql_source_state::buffered_values() const {
  uint64_t n = 0;
  for (const auto& run : queries_)
    n += run.aggregator->buffered_values();
  return n;
}

int64_t sql_source_state::watermark() const {
  return max_time_ == INT64_MIN ? INT64_MIN : max_time_ - delay_ms_;
}

std::vector<sql_partial_batch> sql_source_state::flush() {
  std::vector<sql_partial_batch> batches(owners_.size());
  for (auto& batch : batches) {
    batch.source = source_index_;
    batch.watermark = watermark();
    batch.partials.resize(plan_.queries.size());
  }
  std::vector<std::vector<sql_partial>> taken;
  std::vector<sql_distinct_set*> distinct_sets;
  for (auto& run : queries_) {
    taken.push_back(run.aggregator->take_partials());
    for (auto& partial : taken.back())
      for (auto& accumulator : partial.accumulators)
        if (auto* set = accumulator.distinct_set())
          distinct_sets.push_back(set);
  }
  // Queries counting the same values sort them once. Sorted first, then
  // split: a flush's values repeat (a user's every record is collected),
  // and the sorted set has each once.
  sql_distinct_set::settle_alike(distinct_sets);
  // A query sharing another's rows takes copies of its settled partials.
  for (size_t r = 0; r < queries_.size(); ++r)
    if (const auto leader = queries_[r].leader)
      for (const auto& partial : taken[*leader])
        add_shared_partial(taken[r],
                           follower_partial(partial, *queries_[r].aggregator));
  // Queries routed by distinct value: each partial split by owner. A set
  // alike to one split already (another query's over the same values)
  // takes a copy of its parts.
  std::vector<std::pair<const sql_distinct_set*, std::vector<sql_distinct_set>>>
    split_sets;
  const sql_set_splitter split_set = [&](const sql_distinct_set& set) {
    for (const auto& [seen, parts] : split_sets)
      if (seen->size() == set.size() && seen->same_values(set))
        return parts;
    split_sets.emplace_back(&set, set.split(key_groups_, owners_));
    return split_sets.back().second;
  };
  std::vector<std::vector<std::vector<sql_partial>>> split(queries_.size());
  for (size_t r = 0; r < queries_.size(); ++r) {
    if (!plan_.queries[queries_[r].index].combiner)
      continue;
    split[r].resize(owners_.size());
    for (const auto& partial : taken[r]) {
      auto parts = split_by_key_groups(partial, owners_.size(), split_set);
      for (size_t o = 0; o < owners_.size(); ++o)
        if (parts[o])
          split[r][o].push_back(std::move(*parts[o]));
    }
  }
  split_sets.clear(); // it points into the partials taken
  for (size_t r = 0; r < queries_.size(); ++r)
    if (plan_.queries[queries_[r].index].combiner)
      taken[r].clear(); // sent as split
  for (size_t r = 0; r < queries_.size(); ++r) {
    const auto index = queries_[r].index;
    const auto& query = plan_.queries[index];
    std::vector<std::vector<sql_partial>> per_owner(owners_.size());
    if (query.combiner) // the values of each owner's key groups to it
      per_owner = std::move(split[r]);
    for (auto& partial : taken[r]) {
      const auto group = key_group_of(partial, query.routing, key_groups_);
      for (size_t o = 0; o < owners_.size(); ++o)
        if (owners_[o].contains(group)) {
          per_owner[o].push_back(std::move(partial));
          break;
        }
    }
    for (size_t o = 0; o < owners_.size(); ++o)
      if (!per_owner[o].empty())
        encode_partials(per_owner[o], batches[o].partials[index]);
  }
  // Rows of queries without aggregation, each to the owner of its key
  // group, in the order they were made.
  if (!direct_.empty()) {
    std::vector<std::vector<std::vector<const sql_sink_row*>>> routed(
      plan_.queries.size(),
      std::vector<std::vector<const sql_sink_row*>>(owners_.size()));
    for (const auto& row : direct_) {
      const auto& sink = script_.tables.at(plan_.queries.at(row.query).sink);
      const auto group = key_group_of(row, sink, key_groups_);
      for (size_t o = 0; o < owners_.size(); ++o)
        if (owners_[o].contains(group)) {
          routed[row.query][o].push_back(&row);
          break;
        }
    }
    for (size_t q = 0; q < routed.size(); ++q)
      for (size_t o = 0; o < owners_.size(); ++o)
        if (!routed[q][o].empty())
          encode_sink_rows(routed[q][o], batches[o].partials[q]);
    direct_.clear();
  }
  return batches;
}

} // namespace ubaflow
