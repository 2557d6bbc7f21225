#include "tools/verify/sql_oracle.hpp"

#include "common/sql/exec/sql_batch_executor.hpp"
#include "common/sql/exec/sql_document.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"
#include "tools/cli_support.hpp"
#include "worker/lookup/csv_table_rows.hpp"
#include "worker/parse/sql_row_decoder.hpp"

#include <fstream>

namespace ubaflow {

namespace {

const bound_option* option(const bound_table& table, const char* key) {
  for (const auto& o : table.options)
    if (o.flink_key == key)
      return &o;
  return nullptr;
}

} // namespace

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
  // Lookup dimensions: every table a query joins.
  for (const auto& query : plan.queries)
    for (const auto& stage : query.rows)
      for (const auto& join : stage.joins) {
        const auto& relation = stage.relations.at(join.relation);
        if (batch.tables.count(relation.index))
          continue;
        const auto& dim = script.tables.at(relation.index);
        std::string path;
        if (dim.connector == connector_kind::filesystem) {
          if (const auto* o = option(dim, "path"))
            path = o->value;
        } else if (config.lookup == lookup_type::csv) {
          path = config.lookup_csv_path;
        } else {
          error = dim.name + ": the SQL oracle reads a jdbc dimension from "
                             "lookup.csv-path (lookup.source=csv)";
          return false;
        }
        if (!read_csv_rows(path, dim, batch.tables[relation.index], error))
          return false;
      }
  const auto result = run_batch(script, plan, batch, config.zone);
  out.rejected += result.rows_rejected;
  for (const auto& sink : result.sinks) {
    const auto& table = script.tables.at(sink.table);
    sql_expected_table expected;
    expected.table = table.name;
    if (const auto* index = option(table, "index"))
      expected.index = index->value;
    for (auto c : table.primary_key)
      expected.key.push_back(table.columns.at(c).name);
    size_t n = 0;
    for (const auto& row : sink.rows) {
      auto document = sql_document(table, row, config.zone);
      const auto key = expected.key.empty()
                         ? std::to_string(n++)
                         : document_key(expected.key, document);
      expected.documents[key] = std::move(document);
    }
    out.tables.push_back(std::move(expected));
  }
  return true;
}

} // namespace ubaflow
