// `ubaflow verify`: the batch oracle. Computes a job's results (the default
// job's four, or a script's) straight from the input files with the SQL
// batch executor and compares them with what the job wrote.

#include "common/config/job_options.hpp"
#include "common/util/log.hpp"
#include "tools/cli_support.hpp"
#include "tools/commands.hpp"
#include "tools/verify/result_reader.hpp"
#include "common/sql/exec/sql_job.hpp"
#include "tools/verify/sql_oracle.hpp"
#include "worker/sink/es_bulk.hpp"

#include <cstdio>
#include <functional>
#include <optional>

namespace ubaflow {

namespace {

option_set make_options() {
  option_set o{"verify"};
  using t = option_type;
  o.add("verify.input", t::list, "",
        "Input files exactly as the job read them (JSON lines or Tianchi CSV), "
        "in order.");
  o.add("verify.partitions", t::integer, "1",
        "Kafka partitions the records were spread over.");
  o.add("verify.partitioner", t::choice, "murmur2",
        "How records were spread: by user-id key (datagen, Kafka clients), "
        "round-robin, or one partition per input file (source.type=file).",
        {"murmur2", "round-robin", "file"});
  o.add("verify.against", t::string, "",
        "Results to check: ndjson:DIR or es:URL (default: the job's first "
        "output).");
  o.add("verify.max-diffs", t::integer, "20",
        "Differences printed per result (all are counted).");
  o.add("verify.sql", t::string, "",
        "A job written in SQL (docs/sql.md) whose results to compute instead "
        "of the job's own (job.sql, or the default job); documents are "
        "matched by each sink's primary key.");
  // The job's own options: parse and window semantics must match the run.
  for (const auto& spec : job_options().specs())
    o.add(spec);
  return o;
}

std::string render(const boost::json::value& v) {
  return boost::json::serialize(v);
}

/// Compares one result; prints differences; returns their number.
size_t compare(const std::string& index,
               const std::map<std::string, boost::json::object>& expected,
               const std::map<std::string, boost::json::object>& actual,
               size_t max_shown) {
  size_t diffs = 0;
  auto show = [&](const std::string& line) {
    if (diffs++ < max_shown)
      std::printf("  %s %s\n", index.c_str(), line.c_str());
  };
  for (const auto& [id, doc] : expected) {
    auto it = actual.find(id);
    if (it == actual.end()) {
      show("missing " + id + ": expected " + render(doc));
      continue;
    }
    for (const auto& field : doc) {
      const auto* got = it->second.if_contains(field.key());
      if (!got || !(*got == field.value()))
        show("differs " + id + ": " + std::string{field.key()} + " expected "
             + render(field.value()) + ", found "
             + (got ? render(*got) : std::string{"nothing"}));
    }
  }
  for (const auto& [id, doc] : actual)
    if (!expected.count(id))
      show("unexpected " + id + ": " + render(doc));
  return diffs;
}

/// Reads the documents of `indices` from where the job wrote them.
using results_reader = std::function<bool(
  const std::vector<std::string>& indices, result_set& out, std::string& error)>;

/// --verify.sql: the script's results by the SQL oracle, compared with
/// the output index by index, documents matched by primary key.
int verify_sql(const job_config& config, const oracle_settings& oracle,
               const std::string& script,
               const std::vector<std::string>& inputs,
               const results_reader& read_results, size_t max_shown) {
  sql_expected expected;
  std::string error;
  if (!compute_sql_expected(config, oracle, script, inputs, expected, error)) {
    std::fprintf(stderr, "ubaflow verify: error: %s\n", error.c_str());
    return 2;
  }
  std::string late;
  for (const auto& [index, rows] : expected.late)
    late += (late.empty() ? "" : ", ") + index + " " + with_commas(rows);
  std::printf("verify: SQL oracle (%s) read %s records, %s rejected, late "
              "dropped: %s\n",
              script.c_str(), with_commas(expected.records).c_str(),
              with_commas(expected.rejected).c_str(),
              late.empty() ? "none" : late.c_str());
  std::vector<std::string> indices;
  for (const auto& table : expected.tables)
    indices.push_back(table.index);
  result_set actual;
  if (!read_results(indices, actual, error)) {
    std::fprintf(stderr, "ubaflow verify: error: %s\n", error.c_str());
    return 1;
  }
  size_t total = 0;
  for (const auto& table : expected.tables) {
    const auto found = keyed_by_fields(table.key, actual.of(table.index));
    const size_t diffs = compare(table.index, table.documents, found, max_shown);
    std::printf("verify: %-20s %6zu expected, %6zu found, %zu difference%s\n",
                table.index.c_str(), table.documents.size(), found.size(),
                diffs, diffs == 1 ? "" : "s");
    total += diffs;
  }
  if (expected.tables.empty()) {
    std::printf("verify: FAILED, the script writes no index: nothing was "
                "compared\n");
    return 1;
  }
  std::printf("verify: %s\n",
              total == 0 ? "OK, the output equals the oracle" : "FAILED");
  return total == 0 ? 0 : 1;
}

} // namespace

int verify_command(const std::vector<std::string>& args) {
  static const option_set options = make_options();
  int exit_code = 0;
  auto values = parse_command_line(
      options, args,
      "Computes a job's results (by default jobs/taobao.sql's: "
      "buy_cnt_per_hour, cumulative_uv,\ncumulative_uv_daily, top_category) in "
      "batch from the input files (the oracle) and\ncompares them with its "
      "NDJSON output or Elasticsearch indices. Pass the "
      "job's own options (or --config) so both apply the same semantics.\n"
      "Exits 1 on any difference.",
      exit_code);
  if (!values)
    return exit_code;
  auto config = load_job_config_or_report(*values);
  if (!config)
    return 2;
  setup_logging(config->log_level, config->log_format);
  std::string error;
  const auto inputs = values->get_list("verify.input");
  if (inputs.empty()) {
    std::fprintf(stderr, "ubaflow verify: error: --verify.input is required\n");
    return 2;
  }
  oracle_settings oracle;
  oracle.partitions
      = static_cast<int32_t>(values->get_int("verify.partitions"));
  const auto& partitioner = values->get_string("verify.partitioner");
  oracle.partitioner = partitioner == "round-robin"
                           ? oracle_partitioner::round_robin
                       : partitioner == "file" ? oracle_partitioner::file
                                               : oracle_partitioner::murmur2;

  std::string against = values->get_string("verify.against");
  if (against.empty())
    against = config->ndjson_output
                  ? "ndjson:" + config->ndjson_dir
                  : "es:" + config->es_http.endpoints.front().url();
  auto location = parse_result_location(against, error);
  if (!location) {
    std::fprintf(stderr, "ubaflow verify: error: --verify.against: %s\n",
                 error.c_str());
    return 2;
  }

  const std::string prefix = config->es_writer.index_prefix;
  std::optional<es_http_client> client;
  if (location->elasticsearch) {
    es_http_settings http = config->es_http;
    std::string url_error;
    auto endpoint = parse_es_url(location->target, url_error);
    if (!endpoint) {
      std::fprintf(stderr, "ubaflow verify: error: %s\n", url_error.c_str());
      return 2;
    }
    http.endpoints = {*endpoint};
    client.emplace(http);
  }
  const results_reader read_results
    = [&](const std::vector<std::string>& indices, result_set& out,
          std::string& why) {
        return client ? read_es_results(*client, prefix, indices, out, why)
                      : read_ndjson_results(location->target, prefix, indices,
                                            out, why);
      };

  // --verify.sql, or the job's own script (--job.sql, or the default job).
  auto sql_path = values->get_string("verify.sql");
  if (sql_path.empty())
    sql_path = config->sql->path;
  return verify_sql(*config, oracle, sql_path, inputs, read_results,
                    static_cast<size_t>(values->get_int("verify.max-diffs")));
}

} // namespace ubaflow
