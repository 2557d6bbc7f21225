#pragma once

// What a job's checkpointed state means, so that a savepoint is restored
// only into a job that reads it the same way.

#include "coordinator/checkpoint/checkpoint_builder.hpp"

#include <string>

namespace ubaflow {

struct job_config;

/// The windows, results and time zone that give the keyed state its
/// meaning, in words ("results=…; hour=3600s; uv-step=600s; day=86400s;
/// time-zone=UTC"). Parallelism, lateness and connectors are not in it: a
/// savepoint restores across those.
std::string state_layout_of(const job_config& config);

/// The identity every checkpoint of `config`'s job records.
checkpointed_job checkpointed_job_of(const job_config& config);

} // namespace ubaflow
