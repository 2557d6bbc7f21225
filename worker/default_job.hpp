#pragma once

// The default job: jobs/taobao.sql, the seed's four results, compiled into
// the binary at build time so that a node runs it without a copy of the
// repository (a container, a worker on another host).

#include <string_view>

namespace ubaflow {

/// The name errors, warnings, the plan and the REST API give the script.
inline constexpr std::string_view default_job_path = "jobs/taobao.sql";

/// The text of jobs/taobao.sql as it was when this binary was built.
std::string_view default_job_text();

} // namespace ubaflow
