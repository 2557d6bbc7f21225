#include "common/sql/exec/sql_condition.hpp"

#include "common/sql/exec/sql_operators.hpp"

#include <cstring>

namespace ubaflow {

namespace {

bool is_comparison(bound_function f) {
  switch (f) {
    case bound_function::equal:
    case bound_function::not_equal:
    case bound_function::less:
    case bound_function::less_equal:
    case bound_function::greater:
    case bound_function::greater_equal: return true;
    default: return false;
  }
}

bool is_column(const bound_expression& e) {
  return e.kind == bound_expression_kind::column;
}

} // namespace

sql_condition::sql_condition(const bound_expression& condition,
                             const sql_row_evaluator& evaluator)
  : evaluator_(evaluator), root_(compile(condition)) {
  cache_columns(root_);
}

void sql_condition::cache_columns(node& n) {
  if (n.column) {
    n.relation = n.column->relation;
    n.column_index = n.column->column;
  }
  for (auto& child : n.children)
    cache_columns(child);
}

bool sql_condition::literal(const bound_expression& e, sql_value& out) const {
  if (e.kind != bound_expression_kind::literal)
    return false;
  auto value = evaluator_.evaluate(e, sql_relations{nullptr, 0});
  if (!value.ok())
    return false; // left to the evaluator, which reports it per row
  out = std::move(value.value);
  return true;
}

sql_condition::node sql_condition::compile(const bound_expression& e) const {
  node n;
  n.expression = &e;
  if (e.kind != bound_expression_kind::call)
    return n;
  const auto& args = e.arguments;
  n.function = e.function;
  switch (e.function) {
    case bound_function::logical_and:
    case bound_function::logical_or:
      if (args.size() != 2)
        return n;
      n.kind = e.function == bound_function::logical_and ? node_kind::all
                                                         : node_kind::any;
      n.children = {compile(args[0]), compile(args[1])};
      return n;
    case bound_function::logical_not:
      if (args.size() != 1)
        return n;
      n.kind = node_kind::negation;
      n.children = {compile(args[0])};
      return n;
    case bound_function::is_null:
    case bound_function::is_not_null:
      if (args.size() == 1 && is_column(args[0])) {
        n.kind = node_kind::null_test;
        n.column = &args[0];
      }
      return n;
    case bound_function::in_list:
    case bound_function::not_in_list: {
      if (args.size() < 2 || !is_column(args[0]))
        return n;
      std::vector<sql_value> items(args.size() - 1);
      for (size_t i = 1; i < args.size(); ++i)
        if (!literal(args[i], items[i - 1]))
          return n;
      n.kind = node_kind::in_list;
      n.column = &args[0];
      n.literals = std::move(items);
      return n;
    }
    default: break;
  }
  if (!is_comparison(e.function) || args.size() != 2)
    return n;
  sql_value value;
  if (is_column(args[0]) && literal(args[1], value)) {
    n.column = &args[0];
  } else if (is_column(args[1]) && literal(args[0], value)) {
    n.column = &args[1];
    n.literal_first = true;
  } else {
    return n;
  }
  n.kind = value.kind() == sql_value_kind::string
               && (e.function == bound_function::equal
                   || e.function == bound_function::not_equal)
             ? node_kind::string_equality
             : node_kind::compare;
  n.literals.push_back(std::move(value));
  return n;
}

size_t sql_condition::compiled_nodes() const {
  size_t count = 0;
  std::vector<const node*> open{&root_};
  while (!open.empty()) {
    const node* n = open.back();
    open.pop_back();
    if (n->kind != node_kind::evaluated)
      ++count;
    for (const auto& child : n->children)
      open.push_back(&child);
  }
  return count;
}

bool sql_condition::holds(const sql_relations& relations,
                          std::string& why) const {
  return truth(root_, relations, why) == sql_truth::true_ && why.empty();
}

sql_truth sql_condition::evaluated(const bound_expression& e,
                                   const sql_relations& relations,
                                   std::string& why) const {
  auto value = evaluator_.evaluate(e, relations);
  if (!value.ok()) {
    why = std::move(value.error);
    return sql_truth::unknown;
  }
  if (value.value.kind() != sql_value_kind::boolean)
    return value.value.is_null() ? sql_truth::unknown : sql_truth::false_;
  return truth_of(value.value);
}

sql_truth sql_condition::truth(const node& n, const sql_relations& relations,
                               std::string& why) const {
  switch (n.kind) {
    case node_kind::all:
    case node_kind::any: {
      const sql_truth left = truth(n.children[0], relations, why);
      if (!why.empty())
        return sql_truth::unknown;
      // Short circuit, as the evaluator: the right side is not evaluated.
      if (n.kind == node_kind::all && left == sql_truth::false_)
        return left;
      if (n.kind == node_kind::any && left == sql_truth::true_)
        return left;
      const sql_truth right = truth(n.children[1], relations, why);
      return n.kind == node_kind::all ? both(left, right) : either(left, right);
    }
    case node_kind::negation:
      return negate(truth(n.children[0], relations, why));
    case node_kind::evaluated: return evaluated(*n.expression, relations, why);
    default: break;
  }
  // The column read in place, where the node keeps it (the bound
  // expression is not read per row).
  const sql_value* column = nullptr;
  if (n.relation < relations.size()) {
    const auto& row = relations[n.relation];
    if (n.column_index < row.size())
      column = &row[n.column_index];
  }
  if (!column) // the row lacks the column: the evaluator says so
    return evaluated(*n.expression, relations, why);
  switch (n.kind) {
    case node_kind::string_equality: {
      if (column->kind() != sql_value_kind::string) // NULL, or another type
        return comparison_truth(n.function, *column, n.literals[0]);
      const std::string_view a = column->as_string();
      const std::string_view b = n.literals[0].as_string();
      const bool same = a.size() == b.size()
                        && std::memcmp(a.data(), b.data(), a.size()) == 0;
      return same == (n.function == bound_function::equal) ? sql_truth::true_
                                                          : sql_truth::false_;
    }
    case node_kind::compare:
      return n.literal_first
               ? comparison_truth(n.function, n.literals[0], *column)
               : comparison_truth(n.function, *column, n.literals[0]);
    case node_kind::null_test:
      return (column->is_null() == (n.function == bound_function::is_null))
               ? sql_truth::true_
               : sql_truth::false_;
    default: { // in_list
      sql_truth found = sql_truth::false_;
      if (column->is_null()) {
        found = sql_truth::unknown;
      } else {
        for (const auto& item : n.literals) {
          const sql_truth t = comparison_truth(bound_function::equal, *column, item);
          if (t == sql_truth::true_) {
            found = t;
            break;
          }
          if (t == sql_truth::unknown)
            found = t;
        }
      }
      return n.function == bound_function::in_list ? found : negate(found);
    }
  }
}

} // namespace ubaflow
