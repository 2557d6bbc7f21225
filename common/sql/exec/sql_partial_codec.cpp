#include "common/sql/exec/sql_partial_codec.hpp"

#include "common/sql/exec/sql_byte_codec.hpp"

namespace ubaflow {

void encode_partials(const std::vector<sql_partial>& partials,
                     std::string& out) {
  sql_byte_writer w{out};
  w.u8(sql_partial_format_version);
  w.varint(partials.size());
  for (const auto& p : partials) {
    w.u8(p.window ? 1 : 0);
    if (p.window) {
      w.signed_varint(p.window->start);
      w.signed_varint(p.window->end);
    }
    w.varint(p.keys.size());
    for (const auto& key : p.keys)
      w.value(key);
    w.varint(p.accumulators.size());
    for (const auto& accumulator : p.accumulators)
      w.bytes(accumulator.serialize());
  }
}

bool decode_partials(std::string_view bytes, const sql_query_plan& query,
                     std::vector<sql_partial>& out, std::string& error) {
  out.clear();
  sql_byte_reader r{bytes};
  auto fail = [&](const std::string& why) {
    out.clear();
    error = "partial aggregates: " + why;
    return false;
  };
  uint8_t version = 0;
  if (!r.u8(version))
    return fail("empty");
  if (version != sql_partial_format_version)
    return fail("format version " + std::to_string(version) + ", not "
                + std::to_string(sql_partial_format_version));
  uint64_t count = 0;
  // A partial takes at least 3 bytes: window flag, key and aggregate counts.
  if (!r.count(count, 3))
    return fail("a count larger than the input");
  out.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    sql_partial p;
    uint8_t windowed = 0;
    if (!r.u8(windowed) || windowed > 1)
      return fail("a bad window flag");
    if ((windowed == 1) != query.window.has_value())
      return fail("a window where the query has none, or none where it has");
    if (windowed) {
      sql_window w;
      if (!r.signed_varint(w.start) || !r.signed_varint(w.end))
        return fail("a cut-off window");
      if (w.end <= w.start)
        return fail("a window that ends before it starts");
      p.window = w;
    }
    uint64_t keys = 0;
    if (!r.count(keys) || keys != query.group_keys.size())
      return fail("a key count that is not the query's");
    for (uint64_t k = 0; k < keys; ++k) {
      sql_value v;
      if (!r.value(v))
        return fail("a bad key value");
      p.keys.push_back(std::move(v));
    }
    uint64_t aggregates = 0;
    if (!r.count(aggregates) || aggregates != query.aggregates.size())
      return fail("an aggregate count that is not the query's");
    for (const auto& aggregate : query.aggregates) {
      std::string_view state;
      if (!r.bytes(state))
        return fail("a cut-off aggregate");
      sql_accumulator accumulator{aggregate};
      std::string why;
      if (!accumulator.restore(state, &why))
        return fail(aggregate.text + ": " + why);
      p.accumulators.push_back(std::move(accumulator));
    }
    out.push_back(std::move(p));
  }
  if (!r.done())
    return fail("bytes after the last partial");
  return true;
}

std::map<uint32_t, std::string> snapshot_by_key_group(
  const sql_group_aggregator& aggregator, const sql_query_plan& query,
  uint32_t key_groups) {
  std::map<uint32_t, std::vector<sql_partial>> split;
  // A query routed by distinct value: its owner holds one set per window
  // for all its key groups; a checkpoint files each group's values apart,
  // so that a rescale moves them with their group.
  std::vector<key_group_range> each_group;
  if (query.routing == sql_routing::distinct_value)
    for (uint32_t g = 0; g < key_groups; ++g)
      each_group.push_back({g, g + 1});
  for (auto& partial : aggregator.copy_partials()) {
    if (!each_group.empty()) {
      auto parts = split_by_key_groups(partial, each_group, key_groups);
      for (uint32_t g = 0; g < key_groups; ++g)
        if (parts[g])
          split[g].push_back(std::move(*parts[g]));
      continue;
    }
    const auto group = key_group_of(partial, query.routing, key_groups);
    split[group].push_back(std::move(partial));
  }
  std::map<uint32_t, std::string> out;
  for (const auto& [group, partials] : split)
    encode_partials(partials, out[group]);
  return out;
}

} // namespace ubaflow
