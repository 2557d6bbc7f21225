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
  sql_query_rows rows{
    script, query, input.tables, evaluator,
    {[&aggregator](const std::vector<sql_row>& relations) {
       aggregator.add(relations);
     },
     [&out](sql_row row) { out.push_back(std::move(row)); }, reject}};
  if (const auto found = input.tables.find(query.source);
      found != input.tables.end())
    for (const auto& physical : found->second)
      rows.feed(physical, input.processing_time_ms);
  if (query.aggregated)
    out = aggregator.finish();
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
