// `ubaflow run`: the whole job in one process.

#include "common/config/job_options.hpp"
#include "common/protocol/type_ids.hpp"
#include "coordinator/job_coordinator.hpp"
#include "coordinator/job_plan.hpp"
#include "coordinator/partition_discovery.hpp"
#include "tools/cli_support.hpp"
#include "tools/commands.hpp"
#include "tools/run/job_monitor.hpp"
#include "worker/job_config.hpp"
#include "worker/runtime/task_manager.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace ubaflow {

int run_command(const std::vector<std::string>& args) {
  int exit_code = 0;
  auto values = parse_command_line(
    job_options(), args,
    "Runs the job: reads user-behaviour events from Kafka (or files), computes "
    "buy_cnt_per_hour,\ncumulative_uv, cumulative_uv_daily and top_category, "
    "and writes them to NDJSON files and/or\nElasticsearch. SIGUSR1 drains "
    "(read to the current end, fire all windows, finish); SIGINT/SIGTERM\n"
    "stop after flushing pending results.",
    exit_code);
  if (!values)
    return exit_code;
  auto config = load_job_config_or_report(*values);
  if (!config)
    return 2;
  start_job_logging(*config, *values);
  std::string error;

  const int32_t partitions = count_partitions(*config, error);
  if (partitions <= 0) {
    spdlog::error("cannot start: {}", error);
    return 1;
  }
  auto plan = make_job_plan(partitions, config->source_parallelism,
                            config->parallelism, config->key_groups);

  install_job_signal_handlers();
  tune_allocator();
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::ubaflow>();
  caf::actor_system system{cfg};
  caf::scoped_actor self{system};
  auto shared_config = std::make_shared<const job_config>(*config);
  auto task_manager = spawn_task_manager(system, shared_config);
  auto coordinator = spawn_job_coordinator(system, shared_config, plan,
                                           {task_manager}, caf::actor{self});
  auto outcome = monitor_job(self, coordinator, config->progress_interval_ms);
  self->send_exit(task_manager, caf::exit_reason::user_shutdown);
  return report_outcome(system, outcome, "run");
}

} // namespace ubaflow
