// Reading version 2 checkpoints, CAF 0.17's binary encoding of the
// checkpoint's fields in their order of declaration. Kept so that a
// savepoint of the previous release restores into this one; it decodes
// through the snapshot types' `inspect` functions, so it reads version 2
// files only as long as those keep their fields (the golden file test in
// tests/unit/coordinator/checkpoint_format.test.cpp tells when they do not).

#include "coordinator/checkpoint/checkpoint_format.hpp"

#include <caf/binary_deserializer.hpp>

namespace ubaflow {

namespace {

constexpr std::string_view marker_v2 = "UBAFLOW-CHECKPOINT-2\n";

/// A key group as version 2 wrote it: key_group_snapshot before it held a
/// SQL job's state.
struct key_group_snapshot_v2 {
  key_group_snapshot group;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, key_group_snapshot_v2& x) {
  auto& g = x.group;
  return f(caf::meta::type_name("key_group_snapshot"), g.group, g.hourly,
           g.categories, g.uv_cells, g.uv_days);
}

/// A UV window as version 2 wrote it: before SQL queries had combiners.
struct uv_window_snapshot_v2 {
  uv_window_snapshot window;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        uv_window_snapshot_v2& x) {
  auto& w = x.window;
  return f(caf::meta::type_name("uv_window_snapshot"), w.daily,
           w.window_start, w.window_end, w.emitted, w.emitted_total,
           w.groups);
}

struct combiner_snapshot_v2 {
  combiner_snapshot combiner;
  std::vector<uv_window_snapshot_v2> windows;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, combiner_snapshot_v2& x) {
  return f(caf::meta::type_name("combiner_snapshot"), x.combiner.progress,
           x.combiner.final, x.windows);
}

} // namespace

std::optional<checkpoint_data>
decode_checkpoint_v2(std::string_view bytes, const std::string& origin,
                     std::string& error) {
  if (bytes.substr(0, marker_v2.size()) != marker_v2) {
    error = "'" + origin + "' is not a ubaflow checkpoint (no "
            + std::string{checkpoint_format_marker.substr(
              0, checkpoint_format_marker.size() - 1)}
            + " marker)";
    return std::nullopt;
  }
  const auto body = bytes.substr(marker_v2.size());
  checkpoint_data x;
  std::vector<key_group_snapshot_v2> groups;
  std::vector<combiner_snapshot_v2> combiners;
  caf::binary_deserializer source{static_cast<caf::execution_unit*>(nullptr),
                                  body.data(), body.size()};
  if (source(x.id, x.savepoint, x.taken_ms, x.job, x.key_group_count,
             x.partitions, x.unresolved, groups, x.owner_watermarks,
             combiners)
      || source.remaining() != 0) {
    error = "checkpoint '" + origin + "' (format version 2) is damaged "
            "(cannot be decoded)";
    return std::nullopt;
  }
  for (auto& g : groups)
    x.groups.push_back(std::move(g.group));
  for (auto& c : combiners) {
    for (auto& w : c.windows)
      c.combiner.windows.push_back(std::move(w.window));
    x.combiner.push_back(std::move(c.combiner));
  }
  return x;
}

} // namespace ubaflow
