#include "coordinator/checkpoint/state_layout.hpp"

#include "common/config/job_config.hpp"
#include "common/sql/exec/sql_job.hpp"

namespace ubaflow {

std::string state_layout_of(const job_config& config) {
  if (config.sql)
    return config.sql->state_layout + "; time-zone=" + config.zone.name();
  const auto& w = config.windows;
  std::string results;
  for (size_t i = 0; i < result_kind_count; ++i)
    if (w.enabled[i]) {
      if (!results.empty())
        results += ',';
      results += to_string(static_cast<result_kind>(i));
    }
  auto seconds = [](int64_t ms) {
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s"
                          : std::to_string(ms) + "ms";
  };
  return "results=" + results + "; hour=" + seconds(w.hour_ms)
         + "; uv-step=" + seconds(w.uv_ms) + "; day=" + seconds(w.day_ms)
         + "; time-zone=" + config.zone.name();
}

checkpointed_job checkpointed_job_of(const job_config& config) {
  return {config.name, state_layout_of(config), config.key_groups};
}

} // namespace ubaflow
