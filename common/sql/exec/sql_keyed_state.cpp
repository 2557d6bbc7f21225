#include "common/sql/exec/sql_keyed_state.hpp"

#include "common/sql/exec/sql_byte_codec.hpp"
#include "common/sql/exec/sql_partial_codec.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace ubaflow {

namespace {

/// The snapshot's layout version (a key group's state).
constexpr uint8_t snapshot_version = 1;

} // namespace

sql_keyed_state::sql_keyed_state(const bound_script& script,
                                 const sql_plan& plan,
                                 const sql_row_evaluator& evaluator,
                                 key_group_range range, uint32_t key_groups,
                                 uint32_t inputs)
  : script_(script), plan_(plan), range_(range), key_groups_(key_groups),
    input_watermarks_(inputs, INT64_MIN) {
  for (const auto& query : plan.queries)
    queries_.push_back(std::make_unique<sql_group_aggregator>(
      query, evaluator, [this](const std::string&) { ++rejected_; }));
}

bool sql_keyed_state::take(const sql_partial_batch& batch, std::string& error) {
  if (!take_partials(batch.source, batch.partials, error))
    return false;
  auto& wm = input_watermarks_[batch.source];
  wm = std::max(wm, batch.watermark);
  return true;
}

bool sql_keyed_state::take_partials(uint32_t source,
                                    const std::vector<std::string>& partials,
                                    std::string& error) {
  if (source >= input_watermarks_.size()) {
    error = "a batch from source " + std::to_string(source) + " of "
            + std::to_string(input_watermarks_.size());
    return false;
  }
  if (partials.size() != plan_.queries.size()) {
    error = "a batch for " + std::to_string(partials.size())
            + " queries; the job has " + std::to_string(plan_.queries.size());
    return false;
  }
  // Everything is decoded and checked before anything is merged.
  std::vector<std::vector<sql_partial>> decoded(plan_.queries.size());
  std::vector<sql_sink_row> rows;
  for (size_t q = 0; q < plan_.queries.size(); ++q) {
    if (partials[q].empty())
      continue;
    const auto& query = plan_.queries[q];
    if (!query.aggregated) { // rows, from the source to the sink
      const auto& sink = script_.tables.at(query.sink);
      const size_t before = rows.size();
      if (!decode_sink_rows(partials[q], static_cast<uint32_t>(q),
                            sink.columns.size(), !sink.primary_key.empty(),
                            rows, error))
        return false;
      for (size_t r = before; r < rows.size(); ++r)
        if (!range_.contains(key_group_of(rows[r], sink, key_groups_))) {
          error = "a row of a key group this owner does not hold";
          return false;
        }
      continue;
    }
    if (!decode_partials(partials[q], plan_.queries[q], decoded[q], error))
      return false;
    for (const auto& partial : decoded[q])
      if (query.combiner
            ? !distinct_values_within(partial, range_, key_groups_)
            : !range_.contains(
                key_group_of(partial, query.routing, key_groups_))) {
        error = "a partial of a key group this owner does not hold";
        return false;
      }
  }
  for (size_t q = 0; q < decoded.size(); ++q)
    for (auto& partial : decoded[q])
      queries_[q]->merge(std::move(partial));
  for (auto& row : rows)
    direct_.push_back(std::move(row));
  return true;
}

std::vector<sql_sink_row> sql_keyed_state::take_direct_rows() {
  return std::exchange(direct_, {});
}

std::vector<sql_share> sql_keyed_state::take_shares() {
  return std::exchange(shares_, {});
}

void sql_keyed_state::fire_shares(uint32_t q, int64_t watermark) {
  using fired_window = sql_group_aggregator::fired_window;
  queries_[q]->fire_each(watermark, [&](const fired_window& fired) {
    const auto aggregates = fired.accumulators.size();
    // Per key group of the range, the count of each aggregate: of the
    // window's values, or for a CUMULATE step the period's counts so far
    // plus those of the values the step added.
    std::map<uint32_t, std::vector<int64_t>> fresh;
    auto& by_group
      = fired.added ? period_counts_[{q, fired.window.start}] : fresh;
    const auto& counted = fired.added ? *fired.added : fired.accumulators;
    for (size_t a = 0; a < aggregates; ++a) {
      const auto* set = counted[a].distinct_set();
      if (!set)
        continue; // the planner routes by value only COUNT(DISTINCT)s
      for (const auto& [group, count] : set->counts_by_key_group(key_groups_)) {
        auto& counts = by_group[group];
        counts.resize(aggregates, 0);
        counts[a] += static_cast<int64_t>(count);
      }
    }
    for (const auto& [group, counts] : by_group)
      shares_.push_back({q, group, fired.window, counts});
    if (fired.period_ends)
      period_counts_.erase({q, fired.window.start});
  });
}

int64_t sql_keyed_state::watermark() const {
  return input_watermarks_.empty()
           ? INT64_MIN
           : *std::min_element(input_watermarks_.begin(),
                               input_watermarks_.end());
}

uint64_t sql_keyed_state::open_groups() const {
  uint64_t total = 0;
  for (const auto& query : queries_)
    total += query->groups();
  return total;
}

uint64_t sql_keyed_state::late_partials() const {
  uint64_t late = 0;
  for (const auto& q : queries_)
    late += q->late_partials();
  return late;
}

std::vector<sql_sink_row> sql_keyed_state::emit() {
  auto out = fire(watermark());
  for (auto& row : updates())
    out.push_back(std::move(row));
  return out;
}

std::vector<sql_sink_row> sql_keyed_state::fire(int64_t watermark) {
  std::vector<sql_sink_row> out;
  for (uint32_t q = 0; q < queries_.size(); ++q) {
    const auto& query = plan_.queries[q];
    if (!query.window)
      continue;
    if (query.combiner) {
      fire_shares(q, watermark);
      continue;
    }
    for (auto& row : queries_[q]->fire(watermark))
      out.push_back({q, in_sink_columns(script_, query, std::move(row)), {}});
  }
  return out;
}

std::vector<sql_sink_row> sql_keyed_state::updates() {
  std::vector<sql_sink_row> out;
  for (uint32_t q = 0; q < queries_.size(); ++q) {
    const auto& query = plan_.queries[q];
    if (query.window)
      continue;
    for (auto& row : queries_[q]->updates())
      out.push_back({q, in_sink_columns(script_, query, std::move(row)), {}});
  }
  return out;
}

std::vector<sql_sink_row> sql_keyed_state::finish() {
  std::vector<sql_sink_row> out;
  for (uint32_t q = 0; q < queries_.size(); ++q) {
    if (plan_.queries[q].combiner) {
      fire_shares(q, INT64_MAX);
      continue;
    }
    for (auto& row : queries_[q]->finish())
      out.push_back(
        {q, in_sink_columns(script_, plan_.queries[q], std::move(row)), {}});
  }
  return out;
}

std::map<uint32_t, std::string> sql_keyed_state::snapshot() const {
  // Each query's partials split by key group, then one blob per group.
  std::map<uint32_t, std::vector<std::string>> by_group;
  for (uint32_t q = 0; q < queries_.size(); ++q)
    for (auto& [group, bytes] :
         snapshot_by_key_group(*queries_[q], plan_.queries[q], key_groups_)) {
      auto& parts = by_group[group];
      parts.resize(queries_.size());
      parts[q] = std::move(bytes);
    }
  std::map<uint32_t, std::string> out;
  for (auto& [group, parts] : by_group) {
    sql_byte_writer w{out[group]};
    w.u8(snapshot_version);
    w.varint(parts.size());
    for (const auto& part : parts)
      w.bytes(part);
  }
  return out;
}

bool sql_keyed_state::restore(uint32_t key_group, std::string_view bytes,
                              std::string& error) {
  if (!range_.contains(key_group)) {
    error = "key group " + std::to_string(key_group) + " is not this owner's";
    return false;
  }
  sql_byte_reader r{bytes};
  uint8_t version = 0;
  uint64_t count = 0;
  if (!r.u8(version) || version != snapshot_version) {
    error = "a key group's SQL state of another format version";
    return false;
  }
  if (!r.count(count) || count != queries_.size()) {
    error = "a key group's SQL state for another number of queries";
    return false;
  }
  std::vector<std::vector<sql_partial>> decoded(queries_.size());
  for (size_t q = 0; q < queries_.size(); ++q) {
    std::string_view part;
    if (!r.bytes(part)) {
      error = "a key group's SQL state cut short";
      return false;
    }
    if (!part.empty()
        && !decode_partials(part, plan_.queries[q], decoded[q], error))
      return false;
    for (const auto& partial : decoded[q])
      if (plan_.queries[q].combiner
            ? !distinct_values_within(partial, {key_group, key_group + 1},
                                      key_groups_)
            : key_group_of(partial, plan_.queries[q].routing, key_groups_)
                != key_group) {
        error = "a partial filed under another key group";
        return false;
      }
  }
  if (!r.done()) {
    error = "bytes after a key group's SQL state";
    return false;
  }
  for (size_t q = 0; q < decoded.size(); ++q)
    for (auto& partial : decoded[q])
      queries_[q]->merge(std::move(partial));
  return true;
}

} // namespace ubaflow
