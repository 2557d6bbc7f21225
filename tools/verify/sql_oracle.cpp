#include "tools/verify/sql_oracle.hpp"

#include "common/sql/exec/sql_batch_executor.hpp"
#include "common/sql/exec/sql_document.hpp"
#include "common/sql/exec/sql_job.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"
#include "tools/cli_support.hpp"
#include "tools/verify/oracle_partitions.hpp"
#include "worker/lookup/sql_dimension_rows.hpp"
#include "worker/parse/sql_row_decoder.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <fstream>

namespace ubaflow {

namespace {

/// A document of a sink without a primary key, keyed by what it holds:
/// its hash and how many alike came before it. Two sides keyed so compare
/// as multisets, whatever ids the job gave them.
std::string content_key(const boost::json::object& document,
                        std::map<std::string, size_t>& seen) {
  auto hash = document_hash_id(boost::json::serialize(document));
  const size_t n = seen[hash]++;
  return hash + "#" + std::to_string(n);
}

} // namespace

std::map<std::string, boost::json::object>
keyed_by_fields(const std::vector<std::string>& key,
                const std::map<std::string, boost::json::object>& documents) {
  std::map<std::string, boost::json::object> out;
  std::map<std::string, size_t> seen;
  for (const auto& [id, document] : documents)
    out[key.empty() ? content_key(document, seen) : document_key(key, document)]
      = document;
  return out;
}

bool compute_sql_expected(const job_config& config,
                          const oracle_settings& oracle,
                          const std::string& script_path,
                          const std::vector<std::string>& inputs,
                          sql_expected& out, std::string& error) {
  // The job's own script is taken as the job compiled it (with the
  // INSERTs job.results picks); another one is read and planned whole.
  std::shared_ptr<const sql_job> job;
  if (config.sql && config.sql->path == script_path) {
    job = config.sql;
  } else {
    std::string text;
    if (!read_sql_script(script_path, text, error))
      return false;
    auto bound = bind_sql(text);
    if (!bound.ok()) {
      error = script_path + ": " + bound.error->to_string();
      return false;
    }
    auto planned = plan_script(bound.script);
    if (!planned.ok()) {
      error = script_path + ": " + planned.error->to_string();
      return false;
    }
    auto own = std::make_shared<sql_job>();
    own->script = std::move(bound.script);
    own->plan = std::move(planned.plan);
    job = std::move(own);
  }
  const auto& script = job->script;
  const auto& plan = job->plan;
  if (plan.sources.size() != 1) {
    error = script_path + ": the SQL oracle reads one source table from "
                          "--verify.input; this script reads "
            + std::to_string(plan.sources.size());
    return false;
  }
  sql_batch_input batch;
  batch.allowed_lateness_ms = config.allowed_lateness_ms;
  const uint32_t source = plan.sources.front().table;
  sql_row_decoder decoder{script.tables[source],
                          timestamp_parser{config.timestamps}};
  auto& rows = batch.tables[source];
  // Lateness is judged per partition, as the job's sources judge it: the
  // partition of a record from its position, file range or key (Kafka's
  // murmur2 of the user id, the source table's user_id column).
  const auto partitions = oracle_partitions::make(config, oracle, inputs, error);
  if (!partitions)
    return false;
  std::optional<size_t> user_column;
  size_t physical = 0;
  for (const auto& column : script.tables[source].columns) {
    if (column.computed)
      continue;
    if (column.name == "user_id")
      user_column = physical;
    ++physical;
  }
  if (!user_column && oracle.partitioner == oracle_partitioner::murmur2
      && partitions->count() > 1) {
    error = "--verify.partitioner murmur2 keys records by user_id, a column "
            "the source table does not have";
    return false;
  }
  uint64_t position = 0;
  for (size_t file_no = 0; file_no < inputs.size(); ++file_no) {
    const auto& path = inputs[file_no];
    std::ifstream lines{path, std::ios::binary};
    if (!lines) {
      error = "cannot read " + path;
      return false;
    }
    // As the job reads it: CSV by the file's format (its extension or
    // source.format), a header line skipped.
    const bool csv = config.format_of(path) == record_format::csv;
    std::string line;
    int64_t next_offset = 0;
    while (std::getline(lines, line)) {
      const int64_t offset = next_offset;
      next_offset += static_cast<int64_t>(line.size()) + 1;
      if (line.empty() || (csv && offset == 0 && decoder.is_csv_header(line)))
        continue;
      ++out.records;
      const uint64_t at = position++;
      sql_row row;
      if (!(csv ? decoder.decode_csv(line, row) : decoder.decode(line, row)).ok()) {
        ++out.rejected;
        continue;
      }
      const auto& user = user_column ? row.at(*user_column) : sql_value::null();
      batch.partitions.push_back(partitions->of(
        file_no, offset, at, user.is_null() ? 0 : user.as_bigint()));
      rows.push_back(std::move(row));
    }
  }
  if (!load_sql_dimensions(script, plan, config, batch.tables, error))
    return false;
  const auto result = run_batch(script, plan, batch, config.zone);
  out.rejected += result.rows_rejected;
  for (size_t q = 0; q < plan.queries.size() && q < result.late_rows.size(); ++q) {
    const auto index = sink_index_name(script.tables.at(plan.queries[q].sink));
    auto same = std::find_if(out.late.begin(), out.late.end(),
                             [&](const auto& entry) { return entry.first == index; });
    if (same == out.late.end())
      out.late.emplace_back(index, result.late_rows[q]);
    else
      same->second += result.late_rows[q];
  }
  for (const auto& sink : result.sinks) {
    const auto& table = script.tables.at(sink.table);
    sql_expected_table expected;
    expected.table = table.name;
    expected.index = sink_index_name(table);
    for (auto c : table.primary_key)
      expected.key.push_back(table.columns.at(c).name);
    std::map<std::string, size_t> seen;
    for (const auto& row : sink.rows) {
      // Through the text the job writes and verify reads: Boost.JSON's
      // parser may read a double back an ulp or two off, on both sides.
      auto document = boost::json::parse(boost::json::serialize(
                                           sql_document(table, row, config.zone)))
                        .as_object();
      // Without a primary key, rows are compared as a multiset (the job
      // gives them ids of where they were read).
      const auto key = expected.key.empty() ? content_key(document, seen)
                                            : document_key(expected.key, document);
      expected.documents[key] = std::move(document);
    }
    out.tables.push_back(std::move(expected));
  }
  return true;
}

} // namespace ubaflow
