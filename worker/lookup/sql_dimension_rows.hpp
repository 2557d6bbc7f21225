#pragma once

// The lookup dimensions of a job written in SQL (issue 13), read whole
// when a task starts: the same rows for the engine's source tasks and for
// the SQL oracle, so both join alike.

#include "common/config/job_config.hpp"
#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"
#include "common/sql/sql_plan.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ubaflow {

/// Adds to `out` (by bound_script::tables index) the rows of every table a
/// query of `plan` joins: a 'filesystem' table from its 'path'; a 'jdbc'
/// one from lookup.csv-path with lookup.source=csv, or whole from MySQL
/// with lookup.source=mysql (the script's 'url', 'table-name', 'username'
/// and 'password' are those options' defaults), retried with back-off
/// (lookup.retry-initial, lookup.retry-max) a few times. False with
/// `error` when a file or the database cannot be read.
/// The file each of those tables is read from, by table (jdbc tables read
/// from MySQL have none); false with `error` for lookup.source=none.
bool sql_dimension_paths(const bound_script& script, const sql_plan& plan,
                         const job_config& config,
                         std::map<uint32_t, std::string>& out,
                         std::string& error);

/// `attempts`: how often MySQL is tried (with back-off between).
bool load_sql_dimensions(const bound_script& script, const sql_plan& plan,
                         const job_config& config,
                         std::map<uint32_t, std::vector<sql_row>>& out,
                         std::string& error, int attempts = 6);

} // namespace ubaflow
