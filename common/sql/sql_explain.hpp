#pragma once

// What `ubaflow sql FILE` prints (issue 13): the job a script compiles to,
// per source and per query: the rows a query reads (filters, lookup
// joins), its window, keys and aggregates, what crosses the exchange and
// how it is routed, the state the owners keep and the sink. Secrets
// (passwords and the like) are never printed.

#include "common/sql/sql_bound.hpp"
#include "common/sql/sql_plan.hpp"

#include <string>
#include <vector>

namespace ubaflow {

/// Readable SQL for a bound expression: columns by name, aggregates and
/// group keys as written in `aggregates` and `keys` (may be empty).
std::string expression_text(const bound_expression& e,
                            const std::vector<bound_aggregate>& aggregates = {},
                            const std::vector<bound_expression>& keys = {});

/// A duration as SQL would write it: 5 SECOND, 10 MINUTE, 1 DAY, 1500 ms.
std::string duration_text(int64_t ms);

/// The whole plan as text, for a terminal.
std::string explain_plan(const bound_script& script, const sql_plan& plan);

} // namespace ubaflow
