#include "tools/verify/sql_oracle.hpp"

#include "common/sql/exec/sql_batch_executor.hpp"
#include "common/sql/exec/sql_document.hpp"
#include "common/sql/exec/sql_job.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"
#include "tools/cli_support.hpp"
#include "worker/lookup/sql_dimension_rows.hpp"
#include "worker/parse/sql_row_decoder.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>

namespace ubaflow {

std::map<std::string, boost::json::object>
keyed_by_fields(const std::vector<std::string>& key,
                const std::map<std::string, boost::json::object>& documents) {
  std::map<std::string, boost::json::object> out;
  for (const auto& [id, document] : documents)
    out[key.empty() ? id : document_key(key, document)] = document;
  return out;
}

bool compute_sql_expected(const job_config& config,
                          const std::string& script_path,
                          const std::vector<std::string>& inputs,
                          sql_expected& out, std::string& error) {
  std::string text;
  if (!read_sql_script(script_path, text, error))
    return false;
  const auto bound = bind_sql(text);
  if (!bound.ok()) {
    error = script_path + ": " + bound.error->to_string();
    return false;
  }
  const auto planned = plan_script(bound.script);
  if (!planned.ok()) {
    error = script_path + ": " + planned.error->to_string();
    return false;
  }
  const auto& script = bound.script;
  const auto& plan = planned.plan;
  if (plan.sources.size() != 1) {
    error = script_path + ": the SQL oracle reads one source table from "
                          "--verify.input; this script reads "
            + std::to_string(plan.sources.size());
    return false;
  }
  sql_batch_input batch;
  const uint32_t source = plan.sources.front().table;
  sql_row_decoder decoder{script.tables[source],
                          timestamp_parser{config.timestamps}};
  auto& rows = batch.tables[source];
  for (const auto& path : inputs) {
    std::ifstream lines{path, std::ios::binary};
    if (!lines) {
      error = "cannot read " + path;
      return false;
    }
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty())
        continue;
      ++out.records;
      sql_row row;
      if (decoder.decode(line, row).ok())
        rows.push_back(std::move(row));
      else
        ++out.rejected;
    }
  }
  if (!load_sql_dimensions(script, plan, config, batch.tables, error))
    return false;
  const auto result = run_batch(script, plan, batch, config.zone);
  out.rejected += result.rows_rejected;
  for (const auto& sink : result.sinks) {
    const auto& table = script.tables.at(sink.table);
    sql_expected_table expected;
    expected.table = table.name;
    expected.index = sink_index_name(table);
    for (auto c : table.primary_key)
      expected.key.push_back(table.columns.at(c).name);
    for (const auto& row : sink.rows) {
      auto document = sql_document(table, row, config.zone);
      // Without a primary key the engine writes a document under a hash
      // of itself (document_id): the same row is the same document.
      const auto key = expected.key.empty()
                         ? document_hash_id(boost::json::serialize(document))
                         : document_key(expected.key, document);
      // Through the text the job writes and verify reads: Boost.JSON's
      // parser may read a double back an ulp or two off, on both sides.
      expected.documents[key]
        = boost::json::parse(boost::json::serialize(document)).as_object();
    }
    out.tables.push_back(std::move(expected));
  }
  return true;
}

} // namespace ubaflow
