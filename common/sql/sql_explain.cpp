#include "common/sql/sql_explain.hpp"

#include <sstream>

namespace ubaflow {

namespace {

/// The operator's spelling if it is written between its two operands.
const char* infix(bound_function f) {
  switch (f) {
    case bound_function::logical_and:
    case bound_function::logical_or:
    case bound_function::equal:
    case bound_function::not_equal:
    case bound_function::less:
    case bound_function::less_equal:
    case bound_function::greater:
    case bound_function::greater_equal:
    case bound_function::add:
    case bound_function::subtract:
    case bound_function::multiply:
    case bound_function::divide:
    case bound_function::modulo:
    case bound_function::concat:
    case bound_function::like:
    case bound_function::not_like:
      return sql_function_name(f);
    default:
      return nullptr;
  }
}

struct renderer {
  const std::vector<bound_aggregate>& aggregates;
  const std::vector<bound_expression>& keys;

  std::string list(const std::vector<bound_expression>& xs, size_t from) const {
    std::string out;
    for (size_t i = from; i < xs.size(); ++i)
      out += (i > from ? ", " : "") + text(xs[i]);
    return out;
  }

  /// An operand of an infix operator, parenthesised when it is one too.
  std::string operand(const bound_expression& e) const {
    const bool nested = e.kind == bound_expression_kind::call
                        && infix(e.function) != nullptr;
    return nested ? "(" + text(e) + ")" : text(e);
  }

  std::string call(const bound_expression& e) const {
    const auto& a = e.arguments;
    auto arg = [&](size_t i) { return i < a.size() ? text(a[i]) : "?"; };
    if (const char* op = infix(e.function); op && a.size() == 2)
      return operand(a[0]) + " " + op + " " + operand(a[1]);
    switch (e.function) {
      case bound_function::logical_not: return "NOT " + operand(a.at(0));
      case bound_function::negate: return "-" + operand(a.at(0));
      case bound_function::is_null: return operand(a.at(0)) + " IS NULL";
      case bound_function::is_not_null:
        return operand(a.at(0)) + " IS NOT NULL";
      case bound_function::in_list:
        return operand(a.at(0)) + " IN (" + list(a, 1) + ")";
      case bound_function::not_in_list:
        return operand(a.at(0)) + " NOT IN (" + list(a, 1) + ")";
      case bound_function::between:
      case bound_function::not_between:
        return operand(a.at(0))
               + (e.function == bound_function::between ? " BETWEEN "
                                                        : " NOT BETWEEN ")
               + arg(1) + " AND " + arg(2);
      case bound_function::case_when: {
        std::string out = "CASE";
        size_t i = 0;
        for (; i + 1 < a.size(); i += 2)
          out += " WHEN " + text(a[i]) + " THEN " + text(a[i + 1]);
        if (i < a.size())
          out += " ELSE " + text(a[i]);
        return out + " END";
      }
      case bound_function::cast:
      case bound_function::try_cast:
        return std::string{e.function == bound_function::cast ? "CAST("
                                                              : "TRY_CAST("}
               + arg(0) + " AS " + to_string(e.type.plain()) + ")";
      case bound_function::extract:
        return std::string{"EXTRACT("} + to_string(e.unit) + " FROM " + arg(0)
               + ")";
      case bound_function::hour: return "HOUR(" + arg(0) + ")";
      case bound_function::date_format:
        return "DATE_FORMAT(" + list(a, 0) + ")";
      case bound_function::proctime: return "PROCTIME()";
      default: return canonical_text(e);
    }
  }

  std::string text(const bound_expression& e) const {
    switch (e.kind) {
      case bound_expression_kind::literal:
        return e.literal == literal_kind::string ? "'" + e.text + "'"
               : e.literal == literal_kind::null ? "NULL"
                                                 : e.text;
      case bound_expression_kind::interval:
        return "INTERVAL " + duration_text(e.interval_ms);
      case bound_expression_kind::column: return e.name;
      case bound_expression_kind::group_key:
        return e.index < keys.size() ? text(keys[e.index])
                                     : "key " + std::to_string(e.index);
      case bound_expression_kind::aggregate:
        return e.index < aggregates.size() ? aggregates[e.index].text
                                           : "aggregate "
                                               + std::to_string(e.index);
      case bound_expression_kind::window_bound:
        return e.bound == window_bound_kind::start ? "window_start"
               : e.bound == window_bound_kind::end ? "window_end"
                                                   : "window_time";
      case bound_expression_kind::call: return call(e);
    }
    return "?";
  }
};

const char* window_name(window_kind kind) {
  switch (kind) {
    case window_kind::tumble: return "TUMBLE";
    case window_kind::hop: return "HOP";
    case window_kind::cumulate: return "CUMULATE";
  }
  return "?";
}

std::string window_text(const bound_window& w) {
  const std::string column = w.time_column.name;
  switch (w.kind) {
    case window_kind::tumble:
      return "TUMBLE(" + column + ", " + duration_text(w.size_ms) + ")";
    case window_kind::hop:
      return "HOP(" + column + ", slide " + duration_text(w.step_ms)
             + ", size " + duration_text(w.size_ms) + ")";
    case window_kind::cumulate:
      return "CUMULATE(" + column + ", step " + duration_text(w.step_ms)
             + ", up to " + duration_text(w.size_ms) + ")";
  }
  return window_name(w.kind);
}

/// Where a table lives, without its secrets: topic, index, file, table.
std::string table_place(const bound_table& t) {
  std::string out = to_string(t.connector);
  for (const char* key : {"topic", "index", "path", "table-name"})
    for (const auto& o : t.options)
      if (o.flink_key == key && !o.secret)
        out += std::string{" "} + key + " '" + o.value + "'";
  return out;
}

std::string outputs_text(const std::vector<bound_output>& outputs,
                         const renderer& r) {
  std::string out;
  for (size_t i = 0; i < outputs.size(); ++i)
    out += (i > 0 ? ", " : "") + outputs[i].name + " = "
           + r.text(outputs[i].value);
  return out;
}

const char* distinct_text(sql_distinct_storage set) {
  switch (set) {
    case sql_distinct_storage::none: return "";
    case sql_distinct_storage::roaring_bitmap: return ", distinct values in roaring bitmaps";
    case sql_distinct_storage::hash_set: return ", distinct values in hash sets";
  }
  return "";
}

void explain_rows(std::ostringstream& out, const bound_script& script,
                  const sql_query_plan& q) {
  const std::vector<bound_aggregate> none;
  const std::vector<bound_expression> no_keys;
  const renderer plain{none, no_keys};
  for (const auto& stage : q.rows) {
    out << "  rows        " << stage.name << ": from "
        << stage.relations.front().name;
    if (stage.before_joins)
      out << "\n              where " << plain.text(*stage.before_joins)
          << (stage.joins.empty() ? "" : " (before the lookups)");
    for (const auto& join : stage.joins) {
      const auto& dim = stage.relations.at(join.relation);
      out << "\n              lookup " << dim.name;
      if (dim.kind == relation_kind::table && dim.index < script.tables.size())
        out << " (" << table_place(script.tables[dim.index]) << ")";
      out << " AS " << dim.alias << " ON ";
      for (size_t k = 0; k < join.keys.size(); ++k)
        out << (k > 0 ? " AND " : "") << plain.text(join.keys[k].first)
            << " = " << dim.alias << "."
            << dim.columns.at(join.keys[k].second).name;
    }
    if (stage.where)
      out << "\n              where " << plain.text(*stage.where);
    if (!stage.outputs.empty())
      out << "\n              select " << outputs_text(stage.outputs, plain);
    out << "\n";
  }
}

} // namespace

std::string expression_text(const bound_expression& e,
                            const std::vector<bound_aggregate>& aggregates,
                            const std::vector<bound_expression>& keys) {
  return renderer{aggregates, keys}.text(e);
}

std::string duration_text(int64_t ms) {
  struct unit {
    int64_t ms;
    const char* name;
  };
  for (auto u : {unit{86400000, "DAY"}, unit{3600000, "HOUR"},
                 unit{60000, "MINUTE"}, unit{1000, "SECOND"}})
    if (ms != 0 && ms % u.ms == 0)
      return std::to_string(ms / u.ms) + " " + u.name;
  return std::to_string(ms) + " ms";
}

std::string explain_plan(const bound_script& script, const sql_plan& plan) {
  std::ostringstream out;
  out << "job: " << plan.queries.size() << " quer"
      << (plan.queries.size() == 1 ? "y" : "ies") << " over "
      << plan.sources.size() << " source" << (plan.sources.size() == 1 ? "" : "s")
      << ", each source read once\n";
  for (const auto& source : plan.sources) {
    const auto& t = script.tables.at(source.table);
    out << "\nsource " << t.name << " (" << table_place(t) << ")";
    if (t.watermark)
      out << ", event time " << t.columns.at(t.watermark->column).name
          << ", watermark " << duration_text(t.watermark->delay_ms)
          << " behind";
    out << "\n  feeds queries";
    for (auto q : source.queries)
      out << " " << q + 1;
    out << "\n";
  }
  for (size_t i = 0; i < plan.queries.size(); ++i) {
    const auto& q = plan.queries[i];
    const auto& sink = script.tables.at(q.sink);
    out << "\nquery " << i + 1 << ": INSERT INTO " << sink.name << " (line "
        << q.position.line << ")\n";
    explain_rows(out, script, q);
    const renderer r{q.aggregates, q.group_keys};
    if (!q.aggregated) {
      out << "  exchange    rows, routed to key groups by "
          << (sink.primary_key.empty()
                ? std::string{"their id (partition-offset-query of their record)"}
                : "the sink's primary key")
          << "; the owner writes them at once\n";
      out << "  state       none: every row goes to the sink\n";
    } else {
      if (q.window)
        out << "  window      " << window_text(*q.window)
            << ", fired when the watermark passes its end\n";
      out << "  keys        ";
      if (q.group_keys.empty())
        out << "(none)";
      for (size_t k = 0; k < q.group_keys.size(); ++k)
        out << (k > 0 ? ", " : "") << r.text(q.group_keys[k]);
      out << "\n  aggregates  ";
      for (size_t a = 0; a < q.aggregates.size(); ++a)
        out << (a > 0 ? ", " : "") << q.aggregates[a].text;
      const char* unit = !q.window ? "keys"
                         : q.group_keys.empty() ? "window"
                                                : "window and keys";
      const bool by_value = q.routing == sql_routing::distinct_value;
      out << "\n  exchange    partial aggregates per "
          << (by_value ? "window and key group of the values" : unit)
          << ", routed to key groups by " << to_string(q.routing) << "\n";
      if (by_value)
        out << "  combiner    each owner counts the values of its key groups "
               "per window; one combiner adds the counts and writes the row "
               "once every key group has passed the window's end\n";
      out << "  state       "
          << (q.state == sql_state_kind::window_aggregates
                ? std::string{"per "} + unit + ", dropped once fired"
                : std::string{"per keys, for the job's life, emitted as "
                              "upserts"})
          << distinct_text(q.distinct) << "; checkpointed by key group\n";
      out << "  output      " << outputs_text(q.aggregate_outputs, r) << "\n";
      const std::vector<bound_aggregate> none;
      const std::vector<bound_expression> no_keys;
      for (const auto& stage : q.results) {
        out << "  then        " << stage.name;
        if (stage.where)
          out << " where " << renderer{none, no_keys}.text(*stage.where);
        out << ": " << outputs_text(stage.outputs, renderer{none, no_keys})
            << "\n";
      }
    }
    out << "  sink        " << sink.name << " (" << table_place(sink) << "), "
        << (q.updating ? "upserts" : "appends");
    if (!sink.primary_key.empty()) {
      out << ", keyed by";
      for (auto c : sink.primary_key)
        out << " " << sink.columns.at(c).name;
    }
    out << "\n";
  }
  return out.str();
}

} // namespace ubaflow
