#pragma once

// A SQL job's rows as the documents its sinks write: each row in its sink
// table's columns (sql_sink_row) becomes a JSON document of the sink's
// index, under its primary key's id or the id the row was given.

#include "common/protocol/results.hpp"
#include "common/sql/exec/sql_job.hpp"
#include "common/sql/exec/sql_sink_rows.hpp"
#include "common/time/time_zone.hpp"

#include <vector>

namespace ubaflow {

void append_result_rows(const sql_job& job, const time_zone& zone,
                        std::vector<sql_sink_row> rows,
                        std::vector<result_row>& out);

} // namespace ubaflow
