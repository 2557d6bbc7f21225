// SQL scripts (issue 13) are outside input: `ubaflow sql`, `verify
// --verify.sql` and, later, the job itself read them. Any bytes go through
// the lexer, parser, binder, planner and the plan's explanation: an error
// with a position or a plan, never a crash, a hang or an allocation beyond
// what the input's size justifies (the parser bounds nesting, the binder
// refuses what it does not run).

#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_explain.hpp"
#include "common/sql/sql_planner.hpp"

#include <cstdint>
#include <string_view>

using namespace ubaflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  auto bound = bind_sql(text);
  if (!bound.ok()) {
    (void)bound.error->to_string();
    return 0;
  }
  auto planned = plan_script(bound.script);
  if (planned.ok())
    (void)explain_plan(bound.script, planned.plan);
  else
    (void)planned.error->to_string();
  return 0;
}
