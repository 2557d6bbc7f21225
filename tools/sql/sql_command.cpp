// `ubaflow sql FILE`: checks a job written in SQL (the seed's Flink SQL
// dialect, docs/sql.md) and explains the job it compiles to: per source
// and per query, the rows read, window, keys, aggregates, what crosses the
// exchange, the state kept and the sink. Nothing is started.
//
// Exit codes: 0 the script is runnable (warnings go to stderr), 1 it is
// not (`FILE: line L:C: message`), 2 usage (no file, unreadable file).

#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_explain.hpp"
#include "common/sql/sql_planner.hpp"
#include "common/sql/exec/sql_job.hpp"
#include "tools/cli_support.hpp"
#include "tools/commands.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace ubaflow {

namespace {

constexpr const char* usage = R"(usage: ubaflow sql FILE

Checks a job written in SQL and explains the plan it compiles to: the
sources (each read once), and per INSERT the rows it reads, its window,
keys and aggregates, what crosses the exchange, the state kept and the sink.
Errors give the line and column; exit 1 if the script cannot run.
The dialect: docs/sql.md. The default job: jobs/taobao.sql.
)";

} // namespace

int sql_command(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(usage, stdout);
    return 0;
  }
  if (args.size() != 1 || args[0].empty() || args[0][0] == '-') {
    std::fputs(usage, stderr);
    return 2;
  }
  const std::string& path = args[0];
  std::string text;
  std::string error;
  if (!read_sql_script(path, text, error)) {
    std::fprintf(stderr, "ubaflow sql: %s\n", error.c_str());
    return 2;
  }
  auto bound = bind_sql(text);
  for (const auto& warning : bound.script.warnings)
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 warning.to_string().c_str());
  if (!bound.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 bound.error->to_string().c_str());
    return 1;
  }
  auto planned = plan_script(bound.script);
  if (!planned.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 planned.error->to_string().c_str());
    return 1;
  }
  std::fputs(explain_plan(bound.script, planned.plan).c_str(), stdout);
  return 0;
}

} // namespace ubaflow
