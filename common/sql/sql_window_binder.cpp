// Windows in both of Flink's spellings: the group window functions in
// GROUP BY (TUMBLE(ts, size), HOP(ts, slide, size)) with their auxiliary
// functions TUMBLE_START/END and HOP_START/END in the select list, and the
// window table functions in FROM (TABLE(TUMBLE|HOP|CUMULATE(TABLE t,
// DESCRIPTOR(ts), ...))) with their window_start, window_end and
// window_time columns. Either way a window runs on a time attribute, and
// hopping and cumulating sizes are whole multiples of their step, so that
// a window is a run of panes (what ubaflow's keyed state holds).

#include "common/sql/sql_bind_context.hpp"
#include "common/sql/sql_expression_binder.hpp"
#include "common/sql/sql_print.hpp"
#include "common/sql/sql_query_binder.hpp"

namespace ubaflow {

namespace {

const char* window_name(window_kind kind) {
  switch (kind) {
    case window_kind::tumble: return "TUMBLE";
    case window_kind::hop: return "HOP";
    case window_kind::cumulate: return "CUMULATE";
  }
  return "?";
}

const function_call* call_of(const sql_expression& e) {
  return std::get_if<function_call>(&e.node);
}

void require_time_attribute(const bound_expression& column, const std::string& function,
                            source_position at) {
  if (column.type.attribute != time_attribute::none)
    return;
  const bool timestamp = is_timestamp(column.type.kind);
  bind_fail(at,
            function + " needs a time attribute, but " + column.name + " is "
              + to_string(column.type),
            timestamp ? "declare the event time with WATERMARK FOR " + column.name + " AS "
                          + column.name + " - INTERVAL '5' SECOND, or use a PROCTIME() column"
                      : "window on the event time (a TIMESTAMP(3) column with a WATERMARK) "
                        "or on a PROCTIME() column");
}

/// Checks size against step (HOP's slide, CUMULATE's step).
void check_sizes(bound_window& window, source_position at) {
  const std::string name = window_name(window.kind);
  if (window.size_ms <= 0 || window.step_ms <= 0)
    bind_fail(at, name + "'s durations must be positive");
  if (window.size_ms % window.step_ms != 0)
    bind_fail(at, name + "'s size must be a whole multiple of its "
                    + (window.kind == window_kind::hop ? "slide" : "step"),
              "e.g. INTERVAL '5' MINUTE and INTERVAL '1' HOUR");
  if (window.size_ms < window.step_ms)
    bind_fail(at, name + "'s size must not be smaller than its step");
}

/// The time attribute's kind for window bounds: TIMESTAMP(3) for event
/// time on TIMESTAMP, else TIMESTAMP_LTZ(3).
data_type bound_type(const bound_window& window, window_bound_kind bound) {
  const auto kind = window.time_column.type.kind;
  data_type type = data_type::timestamp(3, false, kind);
  if (bound == window_bound_kind::time)
    type.attribute = window.time_column.type.attribute;
  return type;
}

} // namespace

bool is_group_window_call(const sql_expression& e) {
  const auto* call = call_of(e);
  if (!call)
    return false;
  const std::string name = ascii_upper(call->name.text);
  return name == "TUMBLE" || name == "HOP" || name == "SESSION" || name == "CUMULATE";
}

bound_window bind_group_window(const sql_expression& e, const expression_context& context) {
  const function_call& call = *call_of(e);
  const std::string name = ascii_upper(call.name.text);
  if (name == "SESSION")
    bind_fail(e.position, "SESSION windows are not supported",
              "TUMBLE, HOP, or the window table functions TUMBLE, HOP and CUMULATE");
  if (name == "CUMULATE")
    bind_fail(e.position, "CUMULATE is a window table function, not a group window",
              "FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTE, "
              "INTERVAL '1' DAY)) GROUP BY window_start, window_end");
  const size_t arguments = name == "TUMBLE" ? 2 : 3;
  if (call.arguments.size() != arguments || call.distinct || call.filter)
    bind_fail(e.position, name + " takes " + std::to_string(arguments)
                            + " arguments: " + (name == "TUMBLE" ? "TUMBLE(ts, size)"
                                                                 : "HOP(ts, slide, size)"));
  bound_window window;
  window.kind = name == "TUMBLE" ? window_kind::tumble : window_kind::hop;
  window.syntax = window_syntax::group_window;
  window.position = e.position;
  window.time_column = bind_expression(*call.arguments[0], context);
  if (window.time_column.kind != bound_expression_kind::column)
    bind_fail(call.arguments[0]->position, name + "'s first argument must be a column");
  require_time_attribute(window.time_column, name, call.arguments[0]->position);
  window.size_ms = bind_interval_ms(*call.arguments.back(), name + "'s size");
  window.step_ms = window.kind == window_kind::hop
                     ? bind_interval_ms(*call.arguments[1], "HOP's slide")
                     : window.size_ms;
  check_sizes(window, e.position);
  return window;
}

bool is_window_auxiliary(const std::string& name) {
  return name == "TUMBLE_START" || name == "TUMBLE_END" || name == "HOP_START"
         || name == "HOP_END";
}

bound_expression bind_window_auxiliary(const sql_expression& e, const function_call& call,
                                       const expression_context& context) {
  const std::string name = ascii_upper(call.name.text);
  const std::string family = name.substr(0, name.find('_'));
  const bound_window* window = context.window;
  const std::string example = family == "TUMBLE" ? "GROUP BY TUMBLE(ts, INTERVAL '1' HOUR)"
                                                 : "GROUP BY HOP(ts, INTERVAL '5' MINUTE, "
                                                   "INTERVAL '1' HOUR)";
  if (context.inside_aggregate || !context.aggregates)
    bind_fail(e.position, name + " is not allowed in " + context.clause,
              "select it: it is the bound of the query's window");
  if (!window || window->syntax != window_syntax::group_window
      || window_name(window->kind) != family)
    bind_fail(e.position, name + " needs the query to group by a " + family + " window",
              example);
  const bool hop = window->kind == window_kind::hop;
  if (call.arguments.size() != (hop ? 3u : 2u))
    bind_fail(e.position, name + " takes the arguments of the GROUP BY window",
              example.substr(9));
  // The arguments must name the GROUP BY window itself.
  expression_context plain = context;
  plain.aggregates = nullptr;
  const auto column = bind_expression(*call.arguments[0], plain);
  const int64_t size = bind_interval_ms(*call.arguments.back(), name + "'s size");
  const int64_t step = hop ? bind_interval_ms(*call.arguments[1], name + "'s slide") : size;
  if (canonical_text(column) != canonical_text(window->time_column)
      || size != window->size_ms || step != window->step_ms)
    bind_fail(e.position, print_expression(e).substr(0, 80)
                            + " does not match the query's GROUP BY window",
              "give " + name + " the same column and durations as the GROUP BY");
  bound_expression out;
  out.kind = bound_expression_kind::window_bound;
  out.bound = name.size() > 4 && name.substr(name.size() - 4) == "_END"
                ? window_bound_kind::end
                : window_bound_kind::start;
  out.type = bound_type(*window, out.bound);
  out.position = e.position;
  out.name = name;
  return out;
}

bound_relation bind_window_table_function(const window_table_function& function,
                                          source_position at, const bound_script& script,
                                          bound_window& window) {
  bound_relation relation = scanned_relation(script, function.table);
  const std::string name = to_string(function.kind);
  if (relation.updating)
    bind_fail(function.table.position,
              name + " cannot window " + relation.name + ": its rows are updated");
  if (function.offset)
    bind_fail(function.offset->position, "window offsets are not supported",
              "windows start at multiples of their size (in UTC)");
  window.kind = function.kind == window_function_kind::tumble ? window_kind::tumble
                : function.kind == window_function_kind::hop ? window_kind::hop
                                                              : window_kind::cumulate;
  window.syntax = window_syntax::table_function;
  window.position = at;
  size_t time_index = relation.columns.size();
  for (size_t i = 0; i < relation.columns.size(); ++i)
    if (relation.columns[i].name == function.time_column.text)
      time_index = i;
  if (time_index == relation.columns.size()) {
    expression_context context;
    std::vector<bound_relation> relations{relation};
    context.relations = &relations;
    context.visible_relations = 1;
    resolve_column(column_reference{{function.time_column}}, function.time_column.position,
                   context); // fails with the nearest names
  }
  bound_column& time = relation.columns[time_index];
  window.time_column.kind = bound_expression_kind::column;
  window.time_column.column = static_cast<uint32_t>(time_index);
  window.time_column.name = time.name;
  window.time_column.type = time.type;
  window.time_column.position = function.time_column.position;
  require_time_attribute(window.time_column, name, function.time_column.position);
  window.size_ms = bind_interval_ms(*function.size, name + "'s size");
  window.step_ms = function.step ? bind_interval_ms(*function.step, name + "'s step")
                                 : window.size_ms;
  check_sizes(window, at);
  // The time column itself is no longer a time attribute after windowing;
  // window_time is.
  time.type = time.type.plain();
  for (const auto* column : {window_start_column, window_end_column, window_time_column}) {
    for (const auto& existing : relation.columns)
      if (existing.name == column)
        bind_fail(function.table.position, relation.name + " already has a column named "
                                             + column + ", which " + name + " adds");
    const auto bound = column == window_start_column ? window_bound_kind::start
                       : column == window_end_column ? window_bound_kind::end
                                                     : window_bound_kind::time;
    relation.columns.push_back({column, bound_type(window, bound), at, std::nullopt});
  }
  return relation;
}

} // namespace ubaflow
