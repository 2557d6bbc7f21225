#include "common/sql/exec/sql_batch_executor.hpp"

#include "common/sql/exec/sql_accumulator.hpp"
#include "common/sql/exec/sql_evaluation_error.hpp"
#include "common/sql/exec/sql_row_evaluator.hpp"
#include "common/sql/exec/sql_window_assigner.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace ubaflow {

namespace {

/// Errors kept for the log; the rest are only counted.
constexpr size_t max_errors_kept = 8;

/// A group's state: its window (if any), keys and accumulators.
struct group_state {
  std::optional<sql_window> window;
  sql_row keys;
  std::vector<sql_accumulator> accumulators;
};

struct group_id {
  int64_t start = 0;
  int64_t end = 0;
  sql_row keys;

  friend bool operator==(const group_id& a, const group_id& b) {
    return a.start == b.start && a.end == b.end && a.keys == b.keys;
  }
};

struct group_id_hash {
  size_t operator()(const group_id& g) const {
    return static_cast<size_t>(stable_hash(g.keys) * 31
                               + static_cast<uint64_t>(g.start) * 17
                               + static_cast<uint64_t>(g.end));
  }
};

/// The rows of one lookup dimension, indexed by the join's key columns.
using dimension_index
  = std::unordered_map<sql_row, std::vector<const sql_row*>, sql_row_hash>;

/// Runs one query of the plan.
class query_run {
public:
  query_run(const bound_script& script, const sql_query_plan& query,
            const sql_batch_input& input, const time_zone& zone,
            sql_batch_result& result)
    : script_(script), query_(query), input_(input), evaluator_(zone),
      result_(result) {
    if (query.window)
      assigner_.emplace(*query.window, zone);
  }

  /// Every output row of the query, as the sink's columns.
  std::vector<sql_row> run() {
    const auto& table = script_.tables.at(query_.source);
    const auto rows = input_.tables.find(query_.source);
    if (rows != input_.tables.end())
      for (const auto& physical : rows->second)
        if (auto row = with_computed_columns(table, physical))
          run_stage(0, std::move(*row));
    if (query_.aggregated)
      fire();
    return std::move(out_);
  }

private:
  void reject(const std::string& why) {
    ++result_.rows_rejected;
    if (result_.first_errors.size() < max_errors_kept)
      result_.first_errors.push_back(why);
  }

  /// The physical columns and the computed ones (PROCTIME(): the run's
  /// processing time).
  std::optional<sql_row> with_computed_columns(const bound_table& table,
                                               const sql_row& physical) {
    sql_row row;
    row.reserve(table.columns.size());
    size_t next_physical = 0;
    for (const auto& column : table.columns) {
      if (!column.computed) {
        row.push_back(next_physical < physical.size() ? physical[next_physical]
                                                      : sql_value::null());
        ++next_physical;
      } else {
        row.emplace_back(); // filled below, once every physical column is in
      }
    }
    const std::vector<sql_row> relations{row};
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const auto& computed = table.columns[c].computed;
      if (!computed)
        continue;
      if (computed->kind == bound_expression_kind::call
          && computed->function == bound_function::proctime) {
        row[c] = sql_value::timestamp_ltz(input_.processing_time_ms);
        continue;
      }
      auto value = evaluator_.evaluate(*computed, relations);
      if (!value.ok()) {
        reject(value.error);
        return std::nullopt;
      }
      row[c] = std::move(value.value);
    }
    return row;
  }

  const dimension_index& index_for(size_t stage_number, size_t join_number) {
    auto& index = indexes_[{stage_number, join_number}];
    if (index)
      return *index;
    index.emplace();
    const auto& stage = query_.rows[stage_number];
    const auto& join = stage.joins[join_number];
    const auto& dim = stage.relations.at(join.relation);
    const auto rows = input_.tables.find(dim.index);
    if (rows == input_.tables.end())
      return *index;
    for (const auto& row : rows->second) {
      sql_row key;
      for (const auto& [expression, column] : join.keys)
        key.push_back(column < row.size() ? row[column] : sql_value::null());
      (*index)[key].push_back(&row);
    }
    return *index;
  }

  /// Runs row stage `n` over `row`; the last stage feeds the aggregation
  /// (or, without one, the sink).
  void run_stage(size_t n, sql_row row) {
    if (n == query_.rows.size()) {
      emit(std::move(row));
      return;
    }
    const auto& stage = query_.rows[n];
    std::vector<sql_row> relations(stage.relations.size());
    relations[0] = std::move(row);
    join(n, 0, relations);
  }

  /// Looks up dimension `j` of stage `n` (fanning out over its matches),
  /// then filters and projects.
  void join(size_t n, size_t j, std::vector<sql_row>& relations) {
    const auto& stage = query_.rows[n];
    if (j == stage.joins.size()) {
      filter_and_project(n, relations);
      return;
    }
    const auto& lookup = stage.joins[j];
    sql_row key;
    for (const auto& [expression, column] : lookup.keys) {
      auto value = evaluator_.evaluate(expression, relations);
      if (!value.ok()) {
        reject(value.error);
        return;
      }
      key.push_back(std::move(value.value));
    }
    const auto& index = index_for(n, j);
    const auto found = index.find(key);
    const bool has_null_key
      = std::any_of(key.begin(), key.end(),
                    [](const sql_value& v) { return v.is_null(); });
    if (found == index.end() || has_null_key) {
      if (lookup.kind != join_kind::left)
        return;
      relations[lookup.relation].assign(
        stage.relations[lookup.relation].columns.size(), sql_value::null());
      join(n, j + 1, relations);
      return;
    }
    for (const auto* match : found->second) {
      relations[lookup.relation] = *match;
      join(n, j + 1, relations);
    }
  }

  /// Whether `where` (if any) keeps the row; a failed evaluation rejects it.
  bool passes(const std::optional<bound_expression>& where,
              const std::vector<sql_row>& relations) {
    if (!where)
      return true;
    auto keep = evaluator_.evaluate(*where, relations);
    if (!keep.ok())
      reject(keep.error);
    return keep.is_true();
  }

  /// The outputs' values over `input`, or nothing if one fails (rejected).
  template <class Input>
  std::optional<sql_row> project(const std::vector<bound_output>& outputs,
                                 const Input& input) {
    sql_row row;
    row.reserve(outputs.size());
    for (const auto& output : outputs) {
      auto value = evaluator_.evaluate(output.value, input);
      if (!value.ok()) {
        reject(value.error);
        return std::nullopt;
      }
      row.push_back(std::move(value.value));
    }
    return row;
  }

  void filter_and_project(size_t n, const std::vector<sql_row>& relations) {
    const auto& stage = query_.rows[n];
    if (!passes(stage.where, relations))
      return;
    if (stage.outputs.empty()) { // the aggregating query's own FROM side
      aggregate(relations);
      return;
    }
    if (auto next = project(stage.outputs, relations))
      run_stage(n + 1, std::move(*next));
  }

  void aggregate(const std::vector<sql_row>& relations) {
    sql_row keys;
    for (const auto& key : query_.group_keys) {
      auto value = evaluator_.evaluate(key, relations);
      if (!value.ok()) {
        reject(value.error);
        return;
      }
      keys.push_back(std::move(value.value));
    }
    // Each aggregate's argument and filter, evaluated once per row.
    std::vector<std::optional<sql_value>> arguments(query_.aggregates.size());
    for (size_t a = 0; a < query_.aggregates.size(); ++a) {
      const auto& aggregate = query_.aggregates[a];
      if (aggregate.filter) {
        auto keep = evaluator_.evaluate(*aggregate.filter, relations);
        if (!keep.ok()) {
          reject(keep.error);
          return;
        }
        if (!keep.is_true())
          continue; // this aggregate skips the row
      }
      sql_value argument;
      if (aggregate.argument) {
        auto value = evaluator_.evaluate(*aggregate.argument, relations);
        if (!value.ok()) {
          reject(value.error);
          return;
        }
        argument = std::move(value.value);
      }
      arguments[a] = std::move(argument);
    }
    windows_.clear();
    if (assigner_) {
      auto time = evaluator_.evaluate(query_.window->time_column, relations);
      if (!time.ok()) {
        reject(time.error);
        return;
      }
      if (time.value.is_null())
        return; // no event time: in no window (as a streaming source drops it)
      assigner_->assign(time.value.as_millis(), windows_);
    } else {
      windows_.push_back({0, 0});
    }
    for (const auto& window : windows_) {
      auto& group = group_for(window, keys);
      for (size_t a = 0; a < arguments.size(); ++a)
        if (arguments[a])
          group.accumulators[a].add(*arguments[a]);
    }
  }

  group_state& group_for(const sql_window& window, const sql_row& keys) {
    group_id id{window.start, window.end, keys};
    auto found = groups_.find(id);
    if (found != groups_.end())
      return found->second;
    group_state state;
    if (assigner_)
      state.window = window;
    state.keys = keys;
    for (const auto& aggregate : query_.aggregates)
      state.accumulators.emplace_back(aggregate);
    return groups_.emplace(std::move(id), std::move(state)).first->second;
  }

  /// End of input: every window fires, running aggregates give their
  /// final value; then the outputs and the result stages.
  void fire() {
    std::vector<const group_state*> order;
    order.reserve(groups_.size());
    for (const auto& [id, group] : groups_)
      order.push_back(&group);
    std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
      if (a->window != b->window)
        return a->window < b->window;
      return std::lexicographical_compare(
        a->keys.begin(), a->keys.end(), b->keys.begin(), b->keys.end(),
        [](const sql_value& x, const sql_value& y) { return compare(x, y) < 0; });
    });
    for (const auto* group : order) {
      sql_row results;
      for (const auto& accumulator : group->accumulators)
        results.push_back(accumulator.result());
      const sql_aggregate_row aggregated{
        &group->keys, &results, group->window ? &*group->window : nullptr};
      if (auto row = project(query_.aggregate_outputs, aggregated))
        results_stage(0, std::move(*row));
    }
  }

  void results_stage(size_t n, sql_row row) {
    if (n == query_.results.size()) {
      emit(std::move(row));
      return;
    }
    const auto& stage = query_.results[n];
    const std::vector<sql_row> relations{std::move(row)};
    if (!passes(stage.where, relations))
      return;
    if (auto next = project(stage.outputs, relations))
      results_stage(n + 1, std::move(*next));
  }

  /// A finished row of the query, placed in the sink's columns.
  void emit(sql_row row) {
    const auto& insert = script_.inserts.at(query_.insert);
    const auto& sink = script_.tables.at(query_.sink);
    sql_row out(sink.columns.size());
    for (size_t i = 0; i < row.size() && i < insert.target_columns.size(); ++i)
      out.at(insert.target_columns[i]) = std::move(row[i]);
    out_.push_back(std::move(out));
  }

  const bound_script& script_;
  const sql_query_plan& query_;
  const sql_batch_input& input_;
  sql_row_evaluator evaluator_;
  std::optional<sql_window_assigner> assigner_;
  sql_batch_result& result_;
  std::map<std::pair<size_t, size_t>, std::optional<dimension_index>> indexes_;
  std::unordered_map<group_id, group_state, group_id_hash> groups_;
  std::vector<sql_window> windows_;
  std::vector<sql_row> out_;
};

bool row_less(const sql_row& a, const sql_row& b) {
  return std::lexicographical_compare(
    a.begin(), a.end(), b.begin(), b.end(),
    [](const sql_value& x, const sql_value& y) { return compare(x, y) < 0; });
}

/// The sink's rows at the end: with a primary key, the last row written
/// per key; without, every row.
std::vector<sql_row> settle(const bound_table& sink, std::vector<sql_row> rows) {
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

} // namespace

sql_batch_result run_batch(const bound_script& script, const sql_plan& plan,
                           const sql_batch_input& input, const time_zone& zone) {
  sql_batch_result result;
  std::map<uint32_t, std::vector<sql_row>> written;
  for (const auto& query : plan.queries) {
    auto rows = query_run{script, query, input, zone, result}.run();
    auto& sink = written[query.sink];
    sink.insert(sink.end(), std::make_move_iterator(rows.begin()),
                std::make_move_iterator(rows.end()));
  }
  for (auto& [table, rows] : written)
    result.sinks.push_back(
      {table, settle(script.tables.at(table), std::move(rows))});
  return result;
}

} // namespace ubaflow
