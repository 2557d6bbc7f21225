// A SQL job's partials and key-group state are outside input: they cross
// the exchange from other workers (partial_batch::sql) and come back from
// checkpoint files (key_group_snapshot::sql). An owner decodes them
// (sql_partial_codec, sql_keyed_state) and must refuse what is malformed,
// never crash, hang or allocate beyond what the bytes justify.
//
// Each input drives jobs/taobao.sql, the ten example queries and the row
// streams (queries without aggregation, whose rows cross as rows): its
// first bytes become rows for a source state, whose flushed partials are
// then altered by the rest of the input (so that the decoder meets bytes
// close to valid ones), and the rest is also tried as raw partials and
// raw state. Whatever an owner takes, it can snapshot, restore and fire.

#include "common/sql/exec/sql_keyed_state.hpp"
#include "common/sql/exec/sql_source_state.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"

#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

constexpr uint32_t key_groups = 16;

struct job {
  bound_script script;
  sql_plan plan;
  uint32_t source = 0;
};

job load(const char* path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  auto bound = bind_sql(text.str());
  if (!bound.ok())
    std::abort();
  auto planned = plan_script(bound.script);
  if (!planned.ok())
    std::abort();
  job j{std::move(bound.script), std::move(planned.plan), 0};
  j.source = j.plan.sources.front().table;
  return j;
}

const std::vector<job>& jobs() {
  static const std::vector<job> all = [] {
    std::vector<job> out;
    out.push_back(load(UBAFLOW_ROOT_DIR "/jobs/taobao.sql"));
    out.push_back(load(UBAFLOW_ROOT_DIR "/jobs/examples/behaviour_metrics.sql"));
    out.push_back(load(UBAFLOW_ROOT_DIR "/jobs/examples/row_streams.sql"));
    return out;
  }();
  return all;
}

const char* behaviours[] = {"pv", "buy", "cart", "fav"};

void drive(const job& j, std::string_view input) {
  const sql_row_evaluator evaluator{time_zone::utc()};
  const std::map<uint32_t, std::vector<sql_row>> dimensions;
  sql_source_state source{j.script, j.plan, j.source, 0, dimensions,
                          evaluator, {{0, key_groups}}, key_groups};
  // Up to 32 rows of 6 bytes: user, item, category, behaviour, time.
  size_t at = 0;
  for (int n = 0; n < 32 && at + 6 <= input.size(); ++n, at += 6) {
    auto b = [&](size_t i) { return static_cast<uint8_t>(input[at + i]); };
    const int64_t ts = 1511654400000 + int64_t{b(4) * 256 + b(5)} * 60'000;
    source.set_record_origin(b(0) & 3, static_cast<int64_t>(n));
    source.add({sql_value::bigint(b(0) * 7), sql_value::bigint(b(1)),
                sql_value::bigint(b(2)), sql_value::string(behaviours[b(3) & 3]),
                sql_value::timestamp(ts)},
               0);
  }
  auto batches = source.flush();
  auto& valid = batches.at(0);
  const std::string_view rest = input.substr(at);
  // The valid partials altered: each byte of the rest XORed in turn.
  auto altered = valid;
  size_t k = 0;
  for (auto& part : altered.partials)
    for (auto& c : part)
      if (k < rest.size())
        c = static_cast<char>(c ^ rest[k++]);
  sql_partial_batch raw = valid;
  for (auto& part : raw.partials)
    part = std::string{rest};

  for (const auto* batch : {&valid, &altered, &raw}) {
    sql_keyed_state owner{j.script, j.plan, evaluator, {0, key_groups},
                          key_groups, 1};
    std::string error;
    if (!owner.take(*batch, error)) {
      if (batch == &valid)
        std::abort(); // a source's own batch must be taken
      continue;
    }
    (void)owner.take_direct_rows();
    // Whatever was taken checkpoints, restores and fires.
    sql_keyed_state restored{j.script, j.plan, evaluator, {0, key_groups},
                             key_groups, 1};
    for (const auto& [group, bytes] : owner.snapshot())
      if (!restored.restore(group, bytes, error))
        std::abort(); // its own snapshot must restore
    (void)restored.fire(INT64_MAX);
    (void)restored.updates();
    (void)owner.finish();
  }
  // The rest as one key group's stored state.
  sql_keyed_state stored{j.script, j.plan, evaluator, {0, key_groups},
                         key_groups, 1};
  std::string error;
  if (stored.restore(static_cast<uint32_t>(rest.size() % key_groups), rest,
                     error))
    (void)stored.finish();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};
  for (const auto& j : jobs())
    drive(j, input);
  return 0;
}
