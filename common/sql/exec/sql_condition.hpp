#pragma once

// A condition of one query (a WHERE, a WHERE pushed before the lookups, an
// aggregate's FILTER (WHERE ...)), compiled once when the query is set up
// (issue 13, speed). A row is kept only when its condition is TRUE, so a
// condition is asked for its truth, not for a value.
//
// The shapes that filter most rows of this domain's jobs become nodes that
// read the row in place and build no values: AND, OR, NOT; a column
// compared with a literal (on either side); a column IS [NOT] NULL; a
// column [NOT] IN a list of literals. The literals are evaluated once.
// Anything else is a node the sql_row_evaluator evaluates, so the
// semantics are the evaluator's throughout: three-valued logic, AND and OR
// short-circuit left to right, an error rejects the row.

#include "common/sql/exec/sql_row_evaluator.hpp"
#include "common/sql/exec/sql_truth.hpp"
#include "common/sql/sql_bound.hpp"

#include <string>
#include <vector>

namespace ubaflow {

class sql_condition {
public:
  /// `condition` (BOOLEAN) and `evaluator` must outlive the object.
  sql_condition(const bound_expression& condition,
                const sql_row_evaluator& evaluator);

  /// Whether the row is kept: TRUE. On an error, false with `why` set
  /// ("line L:C: ..."), as sql_row_evaluator::evaluate gives it.
  bool holds(const sql_relations& relations, std::string& why) const;

  /// How many nodes were compiled (not left to the evaluator): for tests.
  size_t compiled_nodes() const;

private:
  enum class node_kind : uint8_t {
    all,       ///< AND of children[0], children[1]
    any,       ///< OR
    negation,  ///< NOT children[0]
    compare,   ///< column op literals[0] (or literals[0] op column)
    /// column = or <> a string literal: bytes and length compared inline
    /// (a string column's values differ mostly in length: no memcmp)
    string_equality,
    null_test, ///< column IS [NOT] NULL
    in_list,   ///< column [NOT] IN (literals)
    evaluated, ///< anything else: the evaluator's
  };
  struct node {
    node_kind kind = node_kind::evaluated;
    bound_function function = bound_function::equal;
    /// What the node stands for: evaluated when the row lacks the column
    /// a compiled node reads, so the error is the evaluator's.
    const bound_expression* expression = nullptr;
    const bound_expression* column = nullptr;
    /// The column's relation and index, copied from `column` (none: the
    /// relation past any row's).
    uint32_t relation = UINT32_MAX;
    uint32_t column_index = 0;
    bool literal_first = false; ///< compare: `literal op column`
    std::vector<sql_value> literals;
    std::vector<node> children;
  };

  node compile(const bound_expression& e) const;
  static void cache_columns(node& n);
  bool literal(const bound_expression& e, sql_value& out) const;
  sql_truth truth(const node& n, const sql_relations& relations,
                  std::string& why) const;
  sql_truth evaluated(const bound_expression& e, const sql_relations& relations,
                      std::string& why) const;

  const sql_row_evaluator& evaluator_;
  node root_;
};

} // namespace ubaflow
