#include "common/sql/exec/sql_job.hpp"

#include "common/protocol/validation.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_explain.hpp"
#include "common/sql/sql_parser.hpp"
#include "common/sql/sql_print.hpp"
#include "common/util/hash.hpp"
#include "common/sql/sql_planner.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <cstdio>

namespace ubaflow {

bool read_sql_script(const std::string& path, std::string& text,
                     std::string& error) {
  std::ifstream in{path, std::ios::binary | std::ios::ate};
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  if (static_cast<std::streamoff>(in.tellg())
      > static_cast<std::streamoff>(max_sql_script_bytes)) {
    error = path + " is larger than 4 MiB: not a SQL script?";
    return false;
  }
  in.seekg(0);
  text.assign(std::istreambuf_iterator<char>{in},
              std::istreambuf_iterator<char>{});
  return true;
}

bool needs_combiner(const sql_job& job) {
  return std::any_of(job.plan.queries.begin(), job.plan.queries.end(),
                     [](const sql_query_plan& q) { return q.combiner; });
}

bool job_needs_combiner(const job_config& config) {
  return config.sql && needs_combiner(*config.sql);
}

int64_t source_watermark_delay_ms(const sql_job& job) {
  const auto& table = job.script.tables.at(job.source_table);
  return table.watermark ? table.watermark->delay_ms : 0;
}

namespace {

/// SQL names are case-insensitive.
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
              return std::tolower(static_cast<unsigned char>(x))
                     == std::tolower(static_cast<unsigned char>(y));
            });
}

} // namespace

std::string sink_index_name(const bound_table& sink) {
  for (const auto& o : sink.options)
    if (o.flink_key == "index")
      return o.value;
  return sink.name;
}

namespace {

/// Keeps the INSERTs into sinks of `indices`; false with `error` for a
/// name none writes.
bool keep_inserts(bound_script& script, const std::vector<std::string>& indices,
                  std::vector<size_t>& kept_positions, std::string& error) {
  std::vector<std::string> written;
  for (const auto& insert : script.inserts)
    written.push_back(sink_index_name(script.tables.at(insert.table)));
  for (const auto& name : indices)
    if (std::find(written.begin(), written.end(), name) == written.end()) {
      // Each index once, in the script's order (two INSERTs may write one).
      std::vector<std::string> distinct;
      std::string known;
      for (const auto& w : written)
        if (std::find(distinct.begin(), distinct.end(), w) == distinct.end()) {
          distinct.push_back(w);
          known += (known.empty() ? "'" : ", '") + w + "'";
        }
      error = "no INSERT of the script writes index '" + name
              + "' (it writes " + known + ")";
      return false;
    }
  std::vector<bound_insert> kept;
  for (size_t i = 0; i < script.inserts.size(); ++i)
    if (std::find(indices.begin(), indices.end(), written[i]) != indices.end()) {
      kept.push_back(std::move(script.inserts[i]));
      kept_positions.push_back(i);
    }
  script.inserts = std::move(kept);
  return true;
}

} // namespace

std::shared_ptr<const sql_job>
compile_sql_job(std::string path, std::string text, std::string& error,
                const std::vector<std::string>& only_indices) {
  const std::string where = path; // `path` moves into the job below
  auto fail = [&](const sql_error& e) {
    error = where + ": " + e.to_string();
    return nullptr;
  };
  auto bound = bind_sql(text);
  if (!bound.ok())
    return fail(*bound.error);
  std::vector<size_t> kept; // positions of the INSERTs run, when selected
  if (!only_indices.empty()
      && !keep_inserts(bound.script, only_indices, kept, error)) {
    error = where + ": " + error;
    return nullptr;
  }
  auto planned = plan_script(bound.script);
  if (!planned.ok())
    return fail(*planned.error);
  auto job = std::make_shared<sql_job>();
  job->path = std::move(path);
  job->text = std::move(text);
  job->script = std::move(bound.script);
  job->plan = std::move(planned.plan);
  const auto& plan = job->plan;
  if (plan.queries.empty())
    return fail({{1, 1}, "the script inserts into no table: nothing to run", ""});
  if (plan.sources.size() != 1)
    return fail({plan.queries.back().position,
                 "this script reads " + std::to_string(plan.sources.size())
                   + " source tables; a job reads one",
                 "write one script per source table"});
  job->source_table = plan.sources.front().table;
  for (const auto& query : plan.queries) {
    const auto& sink = job->script.tables.at(query.sink);
    // Upserts of a query without aggregation keep their order per key
    // through one owner; rows of another query into the same keyed sink
    // would meet them in no defined order.
    if (!query.aggregated && !sink.primary_key.empty())
      for (const auto& other : plan.queries)
        if (&other != &query && other.sink == query.sink)
          return fail({query.position,
                       "INSERT INTO " + sink.name
                         + " has no aggregation and another INSERT writes the "
                           "same keyed table: the order of their upserts "
                           "would not be defined",
                       "write the table from one query, or give it no "
                       "PRIMARY KEY (rows are then appended)"});
    auto index = sink_index_name(sink);
    if (auto problem = check_index_name(index))
      return fail({query.position,
                   sink.name + ": index '" + index + "': " + *problem, ""});
    job->query_indices.push_back(index);
    if (std::find(job->indices.begin(), job->indices.end(), index)
        == job->indices.end())
      job->indices.push_back(std::move(index));
  }
  for (const auto& w : job->script.warnings)
    job->warnings.push_back(w.to_string());
  // The explained plan without its line numbers: moving a statement down
  // the file (a comment above it) keeps the layout. Planned without
  // rewrites: where the planner runs a filter does not change what the
  // state holds, so a savepoint survives a better planner.
  const auto unrewritten = plan_script(job->script, plan_options{false});
  std::string plan_text = explain_plan(
    job->script, unrewritten.ok() ? unrewritten.plan : job->plan);
  for (size_t at = plan_text.find(" (line "); at != std::string::npos;
       at = plan_text.find(" (line ", at)) {
    const auto close = plan_text.find(')', at);
    if (close == std::string::npos)
      break;
    plan_text.erase(at, close + 1 - at);
  }
  char hash[24];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(hash_bytes(plan_text)));
  job->state_layout = std::string{"sql-plan="} + hash;
  // The statements as the REST API shows them (the script parsed before).
  auto parsed = parse_script(job->text);
  for (auto& statement : parsed.statements) {
    if (const auto* insert = std::get_if<insert_statement>(&statement.node))
      job->insert_sql.push_back(print_insert_statement(*insert));
    else if (const auto* set = std::get_if<statement_set>(&statement.node))
      for (const auto& inner : set->inserts)
        job->insert_sql.push_back(print_insert_statement(inner));
    else if (auto* table = std::get_if<create_table_statement>(&statement.node);
             table && same_name(table->name.text,
                                job->script.tables.at(job->source_table).name)) {
      // Shown by the REST API: a password written in clear stays here.
      for (auto& option : table->options)
        for (const auto& declared : job->script.tables.at(job->source_table).options)
          if (declared.secret && declared.flink_key == option.key)
            option.value = "******";
      job->source_sql = print_statement(statement);
    }
  }
  if (!only_indices.empty()) { // the INSERTs run, as script.inserts
    std::vector<std::string> selected;
    for (auto position : kept)
      if (position < job->insert_sql.size())
        selected.push_back(std::move(job->insert_sql[position]));
    job->insert_sql = std::move(selected);
  }
  return job;
}

std::set<std::string> row_stream_indices(const sql_job& job) {
  std::set<std::string> rows;
  std::set<std::string> results;
  for (size_t q = 0; q < job.plan.queries.size(); ++q)
    (job.plan.queries[q].aggregated ? results : rows)
      .insert(job.query_indices.at(q));
  for (const auto& index : results)
    rows.erase(index);
  return rows;
}

} // namespace ubaflow
