#pragma once

// `ubaflow verify --verify.sql FILE`: the batch oracle of a job written in
// SQL (issue 13). Reads the input files as the script's source table
// (JSON lines, one object per record, fields by column name), its lookup
// dimensions, runs the script with the SQL batch executor
// (common/sql/exec/sql_batch_executor) and renders what each sink would
// hold as the documents the job writes, keyed by the sink's primary key,
// so that they can be compared with the output whatever its document ids.

#include "common/config/job_config.hpp"
#include "tools/verify/oracle_partitions.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ubaflow {

/// What one sink table holds after the run.
struct sql_expected_table {
  std::string table;              ///< the sink table's name
  std::string index;              ///< its 'index' option (Elasticsearch)
  std::vector<std::string> key;   ///< its primary key's columns
  /// Documents by primary key (the key columns' values as JSON text).
  std::map<std::string, boost::json::object> documents;
};

struct sql_expected {
  std::vector<sql_expected_table> tables;
  uint64_t records = 0;       ///< lines read
  uint64_t rejected = 0;      ///< unreadable records and failed expressions
  /// Rows late for a window of a query and not taken by it, by the index
  /// the query writes (queries writing one index summed), in plan order.
  std::vector<std::pair<std::string, uint64_t>> late;
};

/// Runs the script at `script_path` over `inputs` (in order), a record late
/// for the windows its partition's watermark has passed (partitions as
/// `oracle` says the job read them). Lookup dimensions are read as the job
/// reads them (load_sql_dimensions).
/// False with `error` for a script that does not bind or plan, or input
/// that cannot be read.
bool compute_sql_expected(const job_config& config,
                          const oracle_settings& oracle,
                          const std::string& script_path,
                          const std::vector<std::string>& inputs,
                          sql_expected& out, std::string& error);

/// `documents` (by document id) keyed instead by the values of `key`'s
/// fields, as compute_sql_expected keys its own; with no key (a sink
/// without a primary key) by their content, so that both compare as
/// multisets.
std::map<std::string, boost::json::object>
keyed_by_fields(const std::vector<std::string>& key,
                const std::map<std::string, boost::json::object>& documents);

} // namespace ubaflow
