#include "coordinator/checkpoint/state_layout.hpp"

#include "common/config/job_config.hpp"
#include "common/sql/exec/sql_job.hpp"

namespace ubaflow {

std::string state_layout_of(const job_config& config) {
  return config.sql->state_layout + "; time-zone=" + config.zone.name();
}

checkpointed_job checkpointed_job_of(const job_config& config) {
  return {config.name, state_layout_of(config), config.key_groups};
}

} // namespace ubaflow
