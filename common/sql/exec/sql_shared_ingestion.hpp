#pragma once

// Alike queries of one source share their pre-aggregation (issue 13's
// speed): jobs/taobao.sql counts distinct users per 10 minutes (TUMBLE)
// and per day so far in 10-minute steps (CUMULATE), over the same rows.
// A source task adds a row to the first query's partials only; the second
// takes a copy of them at the flush, each in its own window for the same
// rows (the day's slice ending where the 10-minute window ends), so its
// partials are what adding every row again would have made. Rows a query
// does not take on time (late, or within its allowed lateness) are still
// added by each query itself: their handling differs by window kind. With
// an allowed lateness nothing is shared (a leader's partials then hold
// rows late within it, which a follower adds itself).
// Nothing changes on the wire or at the owners.

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/sql_plan.hpp"

namespace ubaflow {

/// Whether `follower` may take from `leader` the rows the leader added on
/// time: both aggregate their FROM row directly (no lookups or
/// projections below the aggregation) under the same conditions, group
/// keys and aggregates, over windows on the same time column, the leader's
/// a TUMBLE and the follower's the same TUMBLE or a CUMULATE whose step is
/// the leader's size (its slice of a row ends where the leader's window
/// does: both are aligned alike, so they hold the same rows).
bool shares_ingestion(const sql_query_plan& leader,
                      const sql_query_plan& follower);

/// `follower`'s partial for the rows of `leader_partial` (of a leader it
/// shares_ingestion() with): a copy in the follower's window.
sql_partial follower_partial(const sql_partial& leader_partial,
                             const sql_group_aggregator& follower);

/// `partials` (a follower's own, from the rows it added itself) with
/// `shared` added: merged into the partial of the same window and keys,
/// if there is one, else appended.
void add_shared_partial(std::vector<sql_partial>& partials, sql_partial shared);

} // namespace ubaflow
