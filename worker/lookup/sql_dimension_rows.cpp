#include "worker/lookup/sql_dimension_rows.hpp"

#include "common/util/backoff.hpp"
#include "worker/lookup/csv_table_rows.hpp"
#include "common/sql/sql_planner.hpp"
#include "worker/lookup/mysql_dimension_source.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

namespace ubaflow {

namespace {

/// A dimension is kept whole in each source task: bounded.
constexpr size_t max_dimension_rows = 5'000'000;
constexpr int max_dimension_attempts = 6;

const bound_option* option(const bound_table& table, const char* key) {
  for (const auto& o : table.options)
    if (o.flink_key == key)
      return &o;
  return nullptr;
}

} // namespace

bool sql_dimension_paths(const bound_script& script, const sql_plan& plan,
                         const job_config& config,
                         std::map<uint32_t, std::string>& out,
                         std::string& error) {
  for (const auto table : joined_tables(plan)) {
    const auto& dim = script.tables.at(table);
    if (dim.connector == connector_kind::filesystem) {
      if (const auto* o = option(dim, "path"))
        out[table] = o->value;
    } else if (config.lookup == lookup_type::csv) {
      out[table] = config.lookup_csv_path;
    } else if (config.lookup == lookup_type::none) {
      error = dim.name + ": the script joins a jdbc dimension, but "
                         "lookup.source is none";
      return false;
    }
    // lookup.source=mysql: read from MySQL (load_sql_dimensions).
  }
  return true;
}

bool load_sql_dimensions(const bound_script& script, const sql_plan& plan,
                         const job_config& config,
                         std::map<uint32_t, std::vector<sql_row>>& out,
                         std::string& error, int attempts) {
  std::map<uint32_t, std::string> paths;
  if (!sql_dimension_paths(script, plan, config, paths, error))
    return false;
  for (const auto& [table, path] : paths) {
    if (out.count(table))
      continue;
    // Into the map only once read whole: a caller tells a file it could
    // not read (fatal) from a database that is down (waited for) by the
    // tables present.
    std::vector<sql_row> rows;
    if (!read_csv_rows(path, script.tables.at(table), rows, error))
      return false;
    out[table] = std::move(rows);
  }
  // jdbc dimensions with lookup.source=mysql: the whole table, retried
  // with back-off while the database is unreachable (a source task builds
  // on its own thread, so waiting here holds up only that task).
  for (const auto index : joined_tables(plan)) {
    const auto& dim = script.tables.at(index);
    if (out.count(index) || dim.connector != connector_kind::jdbc)
      continue;
    std::vector<std::string> columns;
    std::vector<data_type_kind> kinds;
    for (const auto& column : dim.columns)
      if (!column.computed) {
        columns.push_back(column.name);
        kinds.push_back(column.type.kind);
      }
    mysql_dimension_source source{config.mysql};
    exponential_backoff backoff{config.lookup_retry_initial_ms,
                                config.lookup_retry_max_ms};
    for (int attempt = 1;; ++attempt) {
      std::vector<sql_row> rows;
      if (source.read_all(columns, kinds, max_dimension_rows, rows, error)) {
        out[index] = std::move(rows);
        break;
      }
      if (attempt >= attempts)
        return false;
      const auto delay = backoff.next_delay_ms();
      spdlog::warn("{}: reading the dimension failed (attempt {} of {}), "
                   "again in {} ms: {}", dim.name, attempt, attempts, delay,
                   error);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
  }
  return true;
}

} // namespace ubaflow
