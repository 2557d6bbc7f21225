#include "common/sql/sql_filter_pushdown.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace ubaflow {

namespace {

/// The AND-ed parts of `e`, flattened.
void split_conjuncts(bound_expression e, std::vector<bound_expression>& out) {
  if (e.kind == bound_expression_kind::call
      && e.function == bound_function::logical_and && e.arguments.size() == 2) {
    auto right = std::move(e.arguments[1]);
    split_conjuncts(std::move(e.arguments[0]), out);
    split_conjuncts(std::move(right), out);
    return;
  }
  out.push_back(std::move(e));
}

/// The conjuncts AND-ed again, left to right; nothing when there are none.
std::optional<bound_expression>
join_conjuncts(std::vector<bound_expression> parts) {
  if (parts.empty())
    return std::nullopt;
  bound_expression all = std::move(parts.front());
  for (size_t i = 1; i < parts.size(); ++i) {
    bound_expression both;
    both.kind = bound_expression_kind::call;
    both.function = bound_function::logical_and;
    both.type = data_type::of(data_type_kind::boolean,
                              all.type.nullable || parts[i].type.nullable);
    both.position = all.position;
    both.arguments.push_back(std::move(all));
    both.arguments.push_back(std::move(parts[i]));
    all = std::move(both);
  }
  return all;
}

/// Whether evaluating `e` over any row can neither fail nor read anything
/// but the FROM row (relation 0).
bool movable(const bound_expression& e) {
  switch (e.kind) {
    case bound_expression_kind::literal:
      // Dates and timestamps were checked by the binder; numbers of more
      // than 18 digits may not fit.
      return (e.literal != literal_kind::integer
              && e.literal != literal_kind::decimal)
             || e.text.size() <= 18;
    case bound_expression_kind::interval: return true;
    case bound_expression_kind::column: return e.relation == 0;
    case bound_expression_kind::group_key:
    case bound_expression_kind::aggregate:
    case bound_expression_kind::window_bound: return false;
    case bound_expression_kind::call: break;
  }
  switch (e.function) {
    case bound_function::divide:
    case bound_function::modulo:
    case bound_function::cast:
    case bound_function::try_cast: // its operand's errors still count
    case bound_function::proctime: return false;
    default: break;
  }
  return std::all_of(e.arguments.begin(), e.arguments.end(),
                     [](const bound_expression& a) { return movable(a); });
}

/// `e` with each column of relation 0 replaced by the expression of the
/// stage below that gives it; false when a column has none.
bool substitute(bound_expression& e, const std::vector<bound_output>& below) {
  if (e.kind == bound_expression_kind::column) {
    if (e.relation != 0 || e.column >= below.size())
      return false;
    const auto position = e.position;
    e = below[e.column].value;
    e.position = position; // an error still points at the filter
    return true;
  }
  return std::all_of(e.arguments.begin(), e.arguments.end(),
                     [&](bound_expression& a) { return substitute(a, below); });
}

} // namespace

void push_filters_down(sql_query_plan& query) {
  // Outermost stage first, so that what moves down one stage may move on.
  for (size_t n = query.rows.size(); n-- > 0;) {
    auto& stage = query.rows[n];
    std::vector<bound_expression> early;
    if (stage.before_joins)
      split_conjuncts(std::move(*stage.before_joins), early);
    std::vector<bound_expression> late;
    if (stage.where) {
      std::vector<bound_expression> parts;
      split_conjuncts(std::move(*stage.where), parts);
      for (auto& part : parts)
        (movable(part) ? early : late).push_back(std::move(part));
    }
    stage.where = join_conjuncts(std::move(late));
    // On into the stage below, through its projection.
    std::vector<bound_expression> kept;
    for (auto& part : early) {
      if (n > 0) {
        auto& below = query.rows[n - 1];
        auto moved = part;
        if (substitute(moved, below.outputs) && movable(moved)) {
          std::vector<bound_expression> parts;
          if (below.before_joins)
            split_conjuncts(std::move(*below.before_joins), parts);
          parts.push_back(std::move(moved));
          below.before_joins = join_conjuncts(std::move(parts));
          continue;
        }
      }
      kept.push_back(std::move(part));
    }
    stage.before_joins = join_conjuncts(std::move(kept));
  }
}

} // namespace ubaflow
