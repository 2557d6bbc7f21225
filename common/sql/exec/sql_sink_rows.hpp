#pragma once

// Finished rows for a sink (issue 13): what an owner writes for a window
// or a running group, and the rows of a query without aggregation, which
// a source task produces itself. Those cross the exchange too, so that
// every row reaches the sinks through an owner, in checkpoint order: this
// is their routing and their byte form.
//
// A row of a query without aggregation has an id of its own when its sink
// has no primary key: where its record was read (partition and offset),
// the query and its place among the record's rows of that query. A record
// read again after a restore gives the same ids, so the sink overwrites
// rather than duplicates (an upsert sink, as Flink's without a key would
// append). With a primary key the key is the id, as for aggregates.

#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// A finished row for a sink: the query and the row in the sink's columns.
struct sql_sink_row {
  uint32_t query = 0;
  sql_row row;
  /// The document's id; empty: derived from the sink's primary key (or,
  /// without one, from the document) by document_id.
  std::string id;
};

/// The id of the `n`-th row (from 0) that query `query` made of the
/// record at `offset` of `partition`.
std::string direct_row_id(int32_t partition, int64_t offset, uint32_t query,
                          uint32_t n);

/// The key group a query-without-aggregation row goes to: its primary
/// key's values hashed (rows of one key keep their order through one
/// owner), else its id's.
uint32_t key_group_of(const sql_sink_row& row, const bound_table& sink,
                      uint32_t key_groups);

/// Appends rows of one query to `out` (version byte, count, then each
/// row's id and values).
void encode_sink_rows(const std::vector<const sql_sink_row*>& rows,
                      std::string& out);

/// Decodes rows of query `query` for a sink of `columns` columns, `keyed`
/// (it has a primary key: rows carry no id) or not (each carries one);
/// false with `error` on anything malformed (a count beyond the input, a
/// row of another width, an id over 512 bytes, an id where there must be
/// none or none where there must be one), `out` then unchanged.
bool decode_sink_rows(std::string_view bytes, uint32_t query, size_t columns,
                      bool keyed, std::vector<sql_sink_row>& out,
                      std::string& error);

} // namespace ubaflow
