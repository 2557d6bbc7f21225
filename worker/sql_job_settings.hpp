#pragma once

// A job is a SQL script (docs/sql.md): job.sql (a file), job.sql-text
// (the script, as a coordinator hands it to its workers) or, with neither,
// the default job (jobs/taobao.sql, compiled in: worker/default_job.hpp)
// compiled, and the connector options of the tables it reads and writes
// applied to the job's settings where those were left at their defaults.
// `${VAR}` references are expanded here, from this process's environment,
// so that a secret never travels in the script.

#include "common/config/settings.hpp"
#include "common/sql/exec/sql_job.hpp"

#include <memory>
#include <string>

namespace ubaflow {

/// Null with `error` when
/// the script cannot be read, does not compile, or a connector option does
/// not fit its ubaflow option. An option whose `${VAR}` is not set keeps
/// its default (logged).
std::shared_ptr<const sql_job> load_sql_job(settings& values,
                                            std::string& error);

} // namespace ubaflow
