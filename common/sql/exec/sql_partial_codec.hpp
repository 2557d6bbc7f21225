#pragma once

// The byte form of a query's partial aggregates (issue 13): what crosses
// the exchange from a source task to an owner, and what an owner's
// checkpoint holds per key group (so that state moves by key group when a
// job is rescaled). Versioned; the decoder is bounded by its input (every
// count checked against what is left, accumulators restored through their
// own checked form) and refuses what does not fit the query: a corrupt or
// hostile input gives an error, never a crash or an unbounded allocation.

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/sql_plan.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// The format's version, first byte of every encoding.
inline constexpr uint8_t sql_partial_format_version = 1;

/// Appends `partials` to `out`.
void encode_partials(const std::vector<sql_partial>& partials, std::string& out);

/// Decodes partials of `query` (its aggregates give the accumulators'
/// kinds); false with `error` on anything malformed, `out` then empty.
bool decode_partials(std::string_view bytes, const sql_query_plan& query,
                     std::vector<sql_partial>& out, std::string& error);

/// An owner's state split by key group (key_group_of with the query's
/// routing), each encoded: a checkpoint's part for this query. The
/// aggregator keeps its state; restoring is decode_partials, then merge.
std::map<uint32_t, std::string> snapshot_by_key_group(
  const sql_group_aggregator& aggregator, const sql_query_plan& query,
  uint32_t key_groups);

} // namespace ubaflow
