#include "common/sql/exec/sql_query_rows.hpp"

#include <algorithm>

namespace ubaflow {

sql_query_rows::sql_query_rows(
  const bound_script& script, const sql_query_plan& query,
  const std::map<uint32_t, std::vector<sql_row>>& dimensions,
  const sql_row_evaluator& evaluator, sql_row_handlers handlers)
  : script_(script), query_(query), dimensions_(dimensions),
    evaluator_(evaluator), handlers_(std::move(handlers)) {
  for (const auto& stage : query.rows) {
    auto& before = before_joins_.emplace_back();
    if (stage.before_joins)
      before.emplace(*stage.before_joins, evaluator);
    auto& where = where_.emplace_back();
    if (stage.where)
      where.emplace(*stage.where, evaluator);
    relations_.emplace_back(stage.relations.size(), nullptr);
    indexes_.emplace_back(stage.joins.size());
    auto& nulls = null_rows_.emplace_back();
    for (const auto& relation : stage.relations)
      nulls.emplace_back(relation.columns.size());
  }
  direct_aggregate_ = query.rows.size() == 1 && query.rows[0].joins.empty()
                      && query.rows[0].outputs.empty();
}

void sql_query_rows::feed(const sql_row& physical,
                          int64_t processing_time_ms) {
  sql_row row;
  if (with_computed_columns(script_.tables.at(query_.source), physical,
                            processing_time_ms, evaluator_, handlers_.reject,
                            row))
    run_stage(0, row);
}

void sql_query_rows::feed_complete(const sql_row& row) {
  if (!direct_aggregate_) {
    run_stage(0, row);
    return;
  }
  // One stage without lookups straight into the aggregation (most
  // queries of this domain): its conditions, then the row.
  auto& relations = relations_[0];
  relations[0] = &row;
  const sql_relations view{relations.data(), relations.size()};
  if (passes(before_joins_[0], view) && passes(where_[0], view))
    handlers_.aggregate(view);
}

bool sql_query_rows::with_computed_columns(
  const bound_table& table, const sql_row& physical,
  int64_t processing_time_ms, const sql_row_evaluator& evaluator,
  const std::function<void(const std::string&)>& reject, sql_row& row) {
  row.resize(table.columns.size());
  size_t next_physical = 0;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c].computed)
      continue; // filled below, once every physical one is in
    row[c] = next_physical < physical.size() ? physical[next_physical]
                                             : sql_value::null();
    ++next_physical;
  }
  return fill_computed_columns(table, processing_time_ms, evaluator, reject,
                               row);
}

bool sql_query_rows::fill_computed_columns(
  const bound_table& table, int64_t processing_time_ms,
  const sql_row_evaluator& evaluator,
  const std::function<void(const std::string&)>& reject, sql_row& row) {
  for (size_t c = 0; c < table.columns.size(); ++c)
    if (table.columns[c].computed
        && !fill_computed_column(table, c, processing_time_ms, evaluator,
                                 reject, row))
      return false;
  return true;
}

std::vector<uint32_t> sql_query_rows::computed_columns(const bound_table& table) {
  std::vector<uint32_t> out;
  for (size_t c = 0; c < table.columns.size(); ++c)
    if (table.columns[c].computed)
      out.push_back(static_cast<uint32_t>(c));
  return out;
}

bool sql_query_rows::fill_computed_column(
  const bound_table& table, size_t c, int64_t processing_time_ms,
  const sql_row_evaluator& evaluator,
  const std::function<void(const std::string&)>& reject, sql_row& row) {
  // A computed column reads the physical ones only (the binder's rule), so
  // those computed before it need not be cleared.
  const auto& computed = *table.columns[c].computed;
  if (computed.kind == bound_expression_kind::call
      && computed.function == bound_function::proctime) {
    row[c].assign_integer(sql_value_kind::timestamp_ltz, processing_time_ms);
    return true;
  }
  const sql_row* columns = &row;
  const sql_relations relations{&columns, 1};
  auto value = evaluator.evaluate(computed, relations);
  if (!value.ok()) {
    reject(value.error);
    return false;
  }
  row[c] = std::move(value.value);
  return true;
}

const sql_dimension_index&
sql_query_rows::index_for(size_t stage_number, size_t join_number) {
  auto& index = indexes_[stage_number][join_number];
  if (index)
    return *index;
  const auto& stage = query_.rows[stage_number];
  const auto& lookup = stage.joins[join_number];
  const auto& dim = stage.relations.at(lookup.relation);
  static const std::vector<sql_row> no_rows;
  const auto rows = dimensions_.find(dim.index);
  std::vector<uint32_t> key_columns;
  for (const auto& key_column : lookup.keys)
    key_columns.push_back(static_cast<uint32_t>(key_column.second));
  index.emplace(rows == dimensions_.end() ? no_rows : rows->second,
                key_columns);
  return *index;
}

void sql_query_rows::run_stage(size_t n, const sql_row& row) {
  if (n == query_.rows.size()) {
    handlers_.output(row);
    return;
  }
  auto& relations = relations_[n];
  relations[0] = &row;
  if (!passes(before_joins_[n],
              sql_relations{relations.data(), relations.size()}))
    return;
  join(n, 0, relations);
}

/// Looks up dimension `j` of stage `n` (fanning out over its matches), then
/// filters and projects.
void sql_query_rows::join(size_t n, size_t j,
                          std::vector<const sql_row*>& relations) {
  const auto& stage = query_.rows[n];
  const sql_relations view{relations.data(), relations.size()};
  if (j == stage.joins.size()) {
    if (!passes(where_[n], view))
      return;
    if (stage.outputs.empty()) { // the aggregating query's own FROM side
      handlers_.aggregate(view);
      return;
    }
    if (auto next = project_outputs(evaluator_, stage.outputs, view,
                                    handlers_.reject))
      run_stage(n + 1, std::move(*next));
    return;
  }
  const auto& lookup = stage.joins[j];
  auto& key = key_;
  key.clear();
  for (const auto& key_column : lookup.keys) {
    auto value = evaluator_.evaluate(key_column.first, view);
    if (!value.ok()) {
      handlers_.reject(value.error);
      return;
    }
    key.push_back(std::move(value.value));
  }
  const bool null_key = std::any_of(key.begin(), key.end(),
                                    [](const sql_value& v) { return v.is_null(); });
  const auto found = null_key ? sql_dimension_index::matches{}
                              : index_for(n, j).find(key);
  if (found.empty()) {
    if (lookup.kind != join_kind::left)
      return;
    relations[lookup.relation] = &null_rows_[n][lookup.relation];
    join(n, j + 1, relations);
    return;
  }
  for (const auto* match : found) {
    relations[lookup.relation] = match;
    join(n, j + 1, relations);
  }
}

bool sql_query_rows::passes(const std::optional<sql_condition>& condition,
                            const sql_relations& relations) {
  if (!condition)
    return true;
  if (condition->holds(relations, why_))
    return true;
  if (!why_.empty()) {
    handlers_.reject(why_);
    why_.clear();
  }
  return false;
}

} // namespace ubaflow
