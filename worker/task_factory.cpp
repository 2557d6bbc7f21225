#include "worker/task_factory.hpp"

#include "common/sql/exec/sql_job.hpp"
#include "worker/lookup/sql_dimension_rows.hpp"
#include "worker/preagg/sql_source_stage.hpp"
#include "worker/state/sql_combiner.hpp"
#include "worker/state/sql_owner_state.hpp"
#include "worker/sink/es_writer.hpp"
#include "worker/sink/ndjson_writer.hpp"
#include "worker/source/file_reader.hpp"
#include "worker/source/kafka_reader.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ubaflow {

std::unique_ptr<record_reader>
make_reader(const job_config& config, const std::vector<int32_t>& partitions,
            std::string& error, const std::vector<int64_t>& start_offsets) {
  if (config.source == source_type::file) {
    std::vector<file_range> ranges;
    for (auto p : partitions)
      ranges.push_back(config.file_ranges.at(static_cast<size_t>(p)));
    return file_reader::open(ranges, error, 4 << 20, start_offsets,
                             config.max_record_bytes);
  }
  return kafka_reader::create(config.kafka, partitions, start_offsets, error);
}

std::unique_ptr<source_stage>
make_source_stage(const job_config& config, uint32_t index,
                  const std::vector<key_group_range>& owners,
                  std::string& error) {
  // Files must be readable (a configuration error otherwise); a database
  // is tried once here, and if it is down the task waits for it.
  std::map<uint32_t, std::vector<sql_row>> dimensions;
  std::string unread;
  if (!load_sql_dimensions(config.sql->script, config.sql->plan, config,
                           dimensions, unread, 1)) {
    std::map<uint32_t, std::string> files;
    if (!sql_dimension_paths(config.sql->script, config.sql->plan, config,
                             files, error))
      return nullptr;
    for (const auto& [table, path] : files)
      if (!dimensions.count(table)) {
        error = unread;
        return nullptr;
      }
    spdlog::warn("source task {}: reading the dimensions failed; no record "
                 "is read until they are (retried in the background): {}",
                 index, unread);
  }
  auto stage = std::make_unique<sql_source_stage>(
    config.sql, config.zone, config.timestamps, std::move(dimensions), index,
    owners, config.key_groups, config.max_buffered_users);
  stage->set_allowed_lateness(config.allowed_lateness_ms);
  // Read again every lookup.cache-ttl, as Flink's lookup cache expires
  // rows: changes to the dimension are seen within it.
  stage->refresh_dimensions(
    [job = config.sql, config](sql_dimension_tables& rows, std::string& why) {
      return load_sql_dimensions(job->script, job->plan, config, rows, why, 1);
    },
    config.lookup_cache.cache_ttl_ms, config.lookup_retry_initial_ms,
    config.lookup_retry_max_ms);
  if (!unread.empty())
    stage->await_dimensions(unread);
  return stage;
}

std::shared_ptr<owner_logic> make_owner_logic(const job_config& config,
                                              key_group_range range,
                                              uint32_t inputs) {
  auto owner = std::make_shared<sql_owner_state>(
    config.sql, config.zone, range, config.key_groups, inputs);
  owner->set_allowed_lateness(config.allowed_lateness_ms);
  return owner;
}

std::shared_ptr<combiner_logic>
make_combiner_logic(const job_config& config,
                    const std::vector<key_group_range>&) {
  return std::make_shared<sql_combiner>(config.sql, config.zone,
                                        config.key_groups,
                                        config.allowed_lateness_ms);
}

std::unique_ptr<source_task>
make_source_task(const job_config& config, uint32_t index,
                 const std::vector<int32_t>& partitions,
                 const std::vector<key_group_range>& owners,
                 std::string& error,
                 const std::vector<partition_checkpoint>& restore,
                 const std::vector<int32_t>& from_beginning) {
  std::vector<int64_t> start_offsets(partitions.size(), -1);
  for (size_t i = 0; i < partitions.size(); ++i) {
    if (std::find(from_beginning.begin(), from_beginning.end(), partitions[i])
        != from_beginning.end())
      start_offsets[i] = start_from_beginning;
    for (const auto& p : restore)
      if (p.partition == partitions[i])
        start_offsets[i] = p.next_offset;
  }
  auto reader = make_reader(config, partitions, error, start_offsets);
  if (!reader)
    return nullptr;
  auto stage = make_source_stage(config, index, owners, error);
  if (!stage)
    return nullptr;
  std::unique_ptr<dead_letter_producer> dead_letters;
  if (!config.dead_letter_topic.empty()) {
    dead_letters = dead_letter_producer::create(config.kafka,
                                                config.dead_letter_topic,
                                                error);
    if (!dead_letters)
      return nullptr;
  }
  source_task_settings s;
  s.source_index = index;
  s.partitions = partitions;
  for (auto p : partitions)
    s.formats.push_back(config.source == source_type::file
                          ? config.format_of(config.file_ranges.at(
                              static_cast<size_t>(p)).path)
                          : (config.format == "csv" ? record_format::csv
                                                    : record_format::json));
  // The source table's WATERMARK FOR … AS ts - INTERVAL ….
  s.watermark_delay_ms = source_watermark_delay_ms(*config.sql);
  s.idle_timeout_ms = config.idle_timeout_ms;
  s.flush_interval_ms = config.flush_interval_ms;
  s.read_batch = config.read_batch;
  s.max_record_bytes = config.max_record_bytes;
  s.topic = config.source == source_type::file ? "file" : config.kafka.topic;
  auto task = std::make_unique<source_task>(s, std::move(reader),
                                           std::move(stage), owners.size(),
                                           std::move(dead_letters));
  if (!restore.empty())
    task->restore(restore);
  return task;
}

std::unique_ptr<result_writer> make_ndjson_writer(const job_config& config) {
  return std::make_unique<ndjson_writer>(
    config.ndjson_dir, config.result_indices, config.es_writer.index_prefix);
}

std::unique_ptr<result_writer> make_es_writer(const job_config& config) {
  return std::make_unique<es_writer>(
    config.es_writer, std::make_unique<es_http_client>(config.es_http));
}

} // namespace ubaflow
