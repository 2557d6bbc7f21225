#include "worker/sql_job_settings.hpp"

#include "common/sql/sql_planner.hpp"
#include "worker/default_job.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <set>

namespace ubaflow {

namespace {

/// `value` with each `${NAME}` replaced by the environment's NAME (the
/// binder has checked the syntax); false with `missing` set when one is
/// not set.
bool expand_environment(const std::string& value, std::string& out,
                        std::string& missing) {
  out.clear();
  for (size_t i = 0; i < value.size();) {
    if (value[i] == '$' && i + 1 < value.size() && value[i + 1] == '{') {
      const auto close = value.find('}', i + 2);
      if (close == std::string::npos)
        return false;
      const std::string name = value.substr(i + 2, close - i - 2);
      const char* found = std::getenv(name.c_str());
      if (!found) {
        missing = name;
        return false;
      }
      out += found;
      i = close + 1;
      continue;
    }
    out += value[i++];
  }
  return true;
}

/// The tables whose connector options configure the job: the source,
/// the dimensions joined, the sinks.
std::set<uint32_t> configuring_tables(const sql_job& job) {
  std::set<uint32_t> tables{job.source_table};
  for (const auto& query : job.plan.queries)
    tables.insert(query.sink);
  for (const auto table : joined_tables(job.plan))
    tables.insert(table);
  return tables;
}

} // namespace

std::shared_ptr<const sql_job> load_sql_job(settings& values,
                                            std::string& error) {
  std::string path = values.get_string("job.sql");
  std::string text = values.get_string("job.sql-text");
  std::string name = path.empty() ? "job.sql-text" : path;
  if (path.empty() && text.empty()) { // the default job
    text = default_job_text();
    name = default_job_path;
  } else if (text.empty() && !read_sql_script(path, text, error)) {
    error = "--job.sql: " + error;
    return nullptr;
  }
  if (text.size() > max_sql_script_bytes) { // job.sql-text, as a file is
    error = "--job.sql-text: larger than 4 MiB: not a SQL script?";
    return nullptr;
  }
  // job.results picks the INSERTs to run by their sinks' indices; left
  // at its default (the default job's four) it runs them all. By value,
  // not origin: a worker gets every option from its coordinator.
  std::vector<std::string> only;
  if (const auto* spec = values.options().find("job.results");
      spec && values.get_string("job.results") != spec->default_value) {
    only = values.get_list("job.results");
    if (only.empty()) {
      error = "--job.results: name at least one result";
      return nullptr;
    }
  }
  auto job = compile_sql_job(std::move(name), std::move(text), error, only);
  if (!job) {
    error = (only.empty() ? "--job.sql: " : "--job.results: ") + error;
    return nullptr;
  }
  for (const auto& warning : job->warnings)
    spdlog::warn("{}: {}", job->path, warning);
  // What the script says is a default: an option set on the command line,
  // in the environment or the config file wins. Among the script's tables
  // the first to set an option wins (several sinks name the same hosts).
  std::set<std::string> from_script;
  for (auto table : configuring_tables(*job)) {
    const auto& t = job->script.tables.at(table);
    // A jdbc dimension is read from MySQL unless said otherwise.
    if (t.connector == connector_kind::jdbc
        && values.origin_of("lookup.source") == value_origin::default_value
        && !from_script.count("lookup.source")) {
      if (auto problem = values.set("lookup.source", "mysql",
                                    value_origin::config_file)) {
        error = job->path + ": table " + t.name + ": " + *problem;
        return nullptr;
      }
      from_script.insert("lookup.source");
    }
    for (const auto& [key, value] : t.settings) {
      if (!values.options().find(key)
          || values.origin_of(key) != value_origin::default_value
          || from_script.count(key))
        continue;
      // A Kafka table's JSON is what source.format's default (auto)
      // reads from Kafka already; kept at auto, files that replace the
      // topic (--source.files, the oracle's --verify.input) are read by
      // their extension. CSV messages are said, and then hold for files
      // too.
      if (key == "source.format" && t.connector == connector_kind::kafka
          && value == "json")
        continue;
      std::string expanded;
      std::string missing;
      if (!expand_environment(value, expanded, missing)) {
        // Not fatal: the option may not be used by this run (a MySQL
        // password while the lookup reads a CSV file: not even worth a
        // warning); where it is, the connection says so.
        if (key.rfind("lookup.mysql.", 0) == 0
            && values.get_string("lookup.source") != "mysql")
          continue;
        spdlog::warn("{}: table {}: {} refers to ${{{}}}, which is not set "
                     "here; the option keeps its default",
                     job->path, t.name, key, missing);
        continue;
      }
      if (auto problem = values.set(key, expanded, value_origin::config_file)) {
        error = job->path + ": table " + t.name + ": " + *problem;
        return nullptr;
      }
      from_script.insert(key);
    }
  }
  return job;
}

} // namespace ubaflow
