#pragma once

// A job written in SQL, compiled for the engine (issue 13): the script's
// text (what a coordinator ships to its workers), its bound form and its
// plan, checked against what the streaming engine runs. Shared read-only
// by every task of the job; each task builds its own evaluator.

#include "common/config/job_config.hpp"
#include "common/sql/sql_bound.hpp"
#include "common/sql/sql_plan.hpp"

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace ubaflow {

struct sql_job {
  std::string path; ///< where the script was read from, for messages
  std::string text; ///< the script as written
  bound_script script;
  sql_plan plan;
  uint32_t source_table = 0; ///< bound_script::tables: the one source read
  /// Per query (sql_plan::queries): the index its sink writes.
  std::vector<std::string> query_indices;
  /// Every index the job writes, once each, in the order of the INSERTs.
  std::vector<std::string> indices;
  std::vector<std::string> warnings; ///< accepted, but worth telling
  /// What a checkpoint's state must have been taken under to restore into
  /// this job: a hash of the explained plan (queries, keys, aggregates,
  /// windows), so that comments and formatting do not matter.
  std::string state_layout;
  /// The SQL each vertex of the job graph runs, printed from the script:
  /// the source table's CREATE TABLE, and each INSERT (by bound_script::
  /// inserts), for the REST API and the web UI.
  std::string source_sql;
  std::vector<std::string> insert_sql;
};

/// The indices only queries without aggregation write: row streams (rows
/// as they come, as many as the input has), not latest results.
std::set<std::string> row_stream_indices(const sql_job& job);

/// Whether `job` has queries routed by distinct value, whose shares a
/// combiner adds up (sql_plan::queries[i].combiner).
bool needs_combiner(const sql_job& job);

/// Whether a job runs a combiner after its owners (needs_combiner).
bool job_needs_combiner(const job_config& config);

/// Reads a SQL script whole, refusing one over `max_sql_script_bytes`
/// before reading it; false with `error` otherwise.
constexpr size_t max_sql_script_bytes = 4 << 20;
bool read_sql_script(const std::string& path, std::string& text,
                     std::string& error);

/// The delay of the source table's WATERMARK (0 without one).
int64_t source_watermark_delay_ms(const sql_job& job);

/// The index a sink table writes: its 'index' option, else its name.
std::string sink_index_name(const bound_table& sink);

/// Parses, binds and plans `text` (read from `path`) and checks that the
/// engine runs it: one source table, every INSERT aggregating, index names
/// Elasticsearch accepts. Null with `error` ("PATH: line L:C: …")
/// otherwise. `only_indices`, when not empty: the INSERTs into sinks of
/// these indices are run, the others left out (job.results); a name no
/// INSERT writes is an error that lists the script's.
std::shared_ptr<const sql_job>
compile_sql_job(std::string path, std::string text, std::string& error,
                const std::vector<std::string>& only_indices = {});

} // namespace ubaflow
