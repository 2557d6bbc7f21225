#pragma once

#include "common/config/option_set.hpp"

namespace ubaflow {

/// Every option of a ubaflow job (`ubaflow run`; later also the coordinator
/// and workers), declared once with its default, bounds and documentation.
/// docs/configuration.md is generated from this table.
const option_set& job_options();

} // namespace ubaflow
