#include "common/sql/exec/sql_batch_executor.hpp"

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/exec/sql_query_rows.hpp"
#include "common/sql/exec/sql_row_evaluator.hpp"
#include "common/sql/exec/sql_source_state.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace ubaflow {

namespace {

/// Errors kept for the log; the rest are only counted.
constexpr size_t max_errors_kept = 8;

/// Runs one query of the plan: its rows, then its aggregation (all at
/// once: every window fires at the end), then its sink's columns.
std::vector<sql_row> run_query(const bound_script& script,
                               const sql_query_plan& query,
                               const sql_batch_input& input,
                               const sql_row_evaluator& evaluator,
                               sql_batch_result& result) {
  auto reject = [&result](const std::string& why) {
    ++result.rows_rejected;
    if (result.first_errors.size() < max_errors_kept)
      result.first_errors.push_back(why);
  };
  std::vector<sql_row> out;
  sql_group_aggregator aggregator{query, evaluator, reject};
  aggregator.set_allowed_lateness(input.allowed_lateness_ms);
  int64_t watermark = INT64_MIN; // the current row's partition's
  sql_query_rows rows{
    script, query, input.tables, evaluator,
    {[&](const sql_relations& relations) {
       aggregator.add(relations, watermark);
     },
     [&out](sql_row row) { out.push_back(std::move(row)); }, reject}};
  const auto& table = script.tables.at(query.source);
  // The event-time column among the physical ones, and its delay.
  std::optional<size_t> time_column;
  if (table.watermark && !table.columns.at(table.watermark->column).computed) {
    size_t physical = 0;
    for (uint32_t c = 0; c < table.watermark->column; ++c)
      physical += table.columns[c].computed ? 0 : 1;
    time_column = physical;
  }
  std::unordered_map<int32_t, int64_t> max_time; // by partition
  if (const auto found = input.tables.find(query.source);
      found != input.tables.end())
    for (size_t i = 0; i < found->second.size(); ++i) {
      const auto& physical = found->second[i];
      int64_t* partition_max = nullptr;
      watermark = INT64_MIN;
      if (time_column && i < input.partitions.size()) {
        auto [it, fresh] = max_time.try_emplace(input.partitions[i], INT64_MIN);
        partition_max = &it->second;
        if (*partition_max != INT64_MIN)
          watermark = *partition_max - table.watermark->delay_ms;
      }
      rows.feed(physical, input.processing_time_ms);
      if (partition_max && *time_column < physical.size()
          && !physical[*time_column].is_null())
        *partition_max = std::max(*partition_max,
                                  physical[*time_column].as_millis());
    }
  if (query.aggregated)
    out = aggregator.finish();
  result.late_rows.push_back(aggregator.late_rows());
  for (auto& row : out)
    row = in_sink_columns(script, query, std::move(row));
  return out;
}

} // namespace

std::vector<sql_row> settle_sink_rows(const bound_table& sink,
                                      std::vector<sql_row> rows) {
  if (!sink.primary_key.empty()) {
    std::unordered_map<sql_row, size_t, sql_row_hash> last;
    for (size_t i = 0; i < rows.size(); ++i) {
      sql_row key;
      for (auto c : sink.primary_key)
        key.push_back(rows[i].at(c));
      last[key] = i;
    }
    std::vector<sql_row> kept;
    kept.reserve(last.size());
    for (const auto& [key, i] : last)
      kept.push_back(std::move(rows[i]));
    rows = std::move(kept);
  }
  std::sort(rows.begin(), rows.end(), row_less);
  return rows;
}

sql_batch_result run_batch(const bound_script& script, const sql_plan& plan,
                           const sql_batch_input& input, const time_zone& zone) {
  sql_batch_result result;
  std::map<uint32_t, std::vector<sql_row>> written;
  const sql_row_evaluator evaluator{zone};
  for (const auto& query : plan.queries) {
    auto rows = run_query(script, query, input, evaluator, result);
    auto& sink = written[query.sink];
    sink.insert(sink.end(), std::make_move_iterator(rows.begin()),
                std::make_move_iterator(rows.end()));
  }
  for (auto& [table, rows] : written)
    result.sinks.push_back(
      {table, settle_sink_rows(script.tables.at(table), std::move(rows))});
  return result;
}

} // namespace ubaflow
