#pragma once

// What a job's checkpointed state means, so that a savepoint is restored
// only into a job that reads it the same way.

#include "coordinator/checkpoint/checkpoint_builder.hpp"

#include <string>

namespace ubaflow {

struct job_config;

/// What gives the keyed state its meaning, in words: the SQL plan's state
/// layout and the time zone ("sql-plan=…; time-zone=UTC"). Parallelism,
/// lateness and connectors are not in it: a savepoint restores across
/// those.
std::string state_layout_of(const job_config& config);

/// The identity every checkpoint of `config`'s job records.
checkpointed_job checkpointed_job_of(const job_config& config);

} // namespace ubaflow
