#include "common/protocol/validation.hpp"

#include "common/protocol/reject_reason.hpp"

#include <algorithm>

namespace ubaflow {

namespace {

/// Tasks of one kind a deployment may mention: far more than any cluster
/// has, far fewer than a hostile count would make us allocate.
constexpr size_t max_tasks = 65536;

std::string out_of(const char* what, uint64_t value, uint64_t bound) {
  return std::string{what} + " " + std::to_string(value)
         + " is out of range (below " + std::to_string(bound) + ")";
}

bool valid_range(key_group_range r, uint32_t key_groups) {
  return r.first < r.last && r.last <= key_groups;
}

std::optional<std::string> check_text(const char* what,
                                      const std::string& text, size_t bound) {
  if (text.size() > bound)
    return std::string{what} + " is longer than " + std::to_string(bound)
           + " bytes";
  return std::nullopt;
}

std::optional<std::string>
check_samples(const std::vector<metric_sample>& samples, size_t bound) {
  if (samples.size() > bound)
    return "a status carries " + std::to_string(samples.size())
           + " metric samples (at most " + std::to_string(bound) + ")";
  for (const auto& s : samples) {
    if (s.name.empty() || s.name.size() > max_sample_text_bytes)
      return "a metric sample's name must have 1 to "
             + std::to_string(max_sample_text_bytes) + " bytes";
    if (s.labels.size() > max_sample_labels)
      return "metric sample " + s.name + " has more than "
             + std::to_string(max_sample_labels) + " labels";
    for (const auto& l : s.labels)
      if (l.name.size() > max_sample_text_bytes
          || l.value.size() > max_sample_text_bytes)
        return "a label of metric sample " + s.name + " is longer than "
               + std::to_string(max_sample_text_bytes) + " bytes";
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> check_batch(const partial_batch& batch,
                                       size_t inputs, size_t sql_queries) {
  if (batch.source >= inputs)
    return out_of("source", batch.source, inputs);
  // The partials themselves are checked as they are decoded
  // (sql_keyed_state); here only that there is one entry per query.
  if (!batch.sql.empty() && batch.sql.size() != sql_queries)
    return "SQL partials for " + std::to_string(batch.sql.size())
           + " queries; the job has " + std::to_string(sql_queries);
  return std::nullopt;
}

std::optional<std::string> check_report(const uv_report& report,
                                        size_t owners, uint32_t key_groups) {
  if (report.owner >= owners)
    return out_of("owner", report.owner, owners);
  if (!valid_range(report.progress.range, key_groups))
    return std::string{"the reported key-group range is not within the job's "}
           + std::to_string(key_groups) + " key groups";
  for (const auto& slice : report.slices)
    for (const auto& g : slice.groups)
      if (g.group >= key_groups)
        return out_of("key group", g.group, key_groups);
  return std::nullopt;
}

std::optional<std::string> check_status(const source_status& s) {
  if (s.rejects_by_reason.size() > reject_reason_count)
    return out_of("reject reason count", s.rejects_by_reason.size(),
                  reject_reason_count + 1);
  if (auto p = check_text("a source's description", s.description,
                          max_status_text_bytes))
    return p;
  if (auto p = check_text("a lookup error", s.lookup_error,
                          max_status_text_bytes))
    return p;
  if (s.partitions.size() > max_tasks)
    return out_of("partition count", s.partitions.size(), max_tasks + 1);
  return check_samples(s.samples, max_status_samples);
}

std::optional<std::string> check_status(const owner_status& s,
                                        uint32_t key_groups) {
  if (!valid_range({s.first_key_group, s.last_key_group}, key_groups))
    return std::string{"an owner's key-group range is not within the job's "}
           + std::to_string(key_groups) + " key groups";
  return check_samples(s.samples, max_status_samples + (s.last_key_group
                                                        - s.first_key_group));
}

std::optional<std::string> check_status(const sink_status& s) {
  if (auto p = check_text("a sink's name", s.name, max_sample_text_bytes))
    return p;
  if (auto p = check_text("a sink's last error", s.last_error,
                          max_status_text_bytes))
    return p;
  return check_samples(s.samples, max_status_samples);
}

std::optional<std::string> check_index_name(std::string_view index) {
  // Elasticsearch's rules for index names, so that a row a sink accepts
  // can be stored, and no name reaches a file path with a separator.
  if (index.empty() || index.size() > max_index_name_bytes)
    return "an index name must have 1 to "
           + std::to_string(max_index_name_bytes) + " bytes";
  if (index == "." || index == ".." || index.front() == '-'
      || index.front() == '_' || index.front() == '+')
    return "an index name may not be . or .. nor start with - _ +";
  for (char c : index)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
          || c == '-' || c == '.' || c == '+'))
      return "an index name holds only a-z 0-9 _ - . +";
  return std::nullopt;
}

std::optional<std::string> check_rows(const std::vector<result_row>& rows) {
  for (const auto& row : rows) {
    if (auto problem = check_index_name(row.index))
      return problem;
    if (row.id.empty() || row.id.size() > max_result_id_bytes)
      return "a result id must have 1 to "
             + std::to_string(max_result_id_bytes) + " bytes";
    if (row.document.size() > max_result_document_bytes)
      return "a result document is larger than "
             + std::to_string(max_result_document_bytes) + " bytes";
  }
  return std::nullopt;
}

std::optional<std::string> check_part(const source_checkpoint& part,
                                      size_t sources) {
  if (part.source >= sources)
    return out_of("source", part.source, sources);
  return std::nullopt;
}

std::optional<std::string> check_part(const owner_checkpoint& part,
                                      size_t owners, uint32_t key_groups) {
  if (part.owner >= owners)
    return out_of("owner", part.owner, owners);
  if (!valid_range(part.watermark.range, key_groups))
    return std::string{"the owner's key-group range is not within the job's "}
           + std::to_string(key_groups) + " key groups";
  for (const auto& g : part.groups)
    if (!part.watermark.range.contains(g.group))
      return "key group " + std::to_string(g.group)
             + " is outside the owner's range";
  return std::nullopt;
}

std::optional<std::string> check_part(const combiner_checkpoint& part,
                                      uint32_t key_groups) {
  const auto& s = part.state;
  if (s.progress.size() != key_groups || s.final.size() != key_groups)
    return "the combiner's state covers " + std::to_string(s.progress.size())
           + " key groups, the job has " + std::to_string(key_groups);
  for (const auto& w : s.windows)
    for (const auto& g : w.groups)
      if (g.group >= key_groups)
        return out_of("key group", g.group, key_groups);
  return std::nullopt;
}

namespace {

std::optional<std::string> check_ranges(const std::vector<key_group_range>& rs,
                                        uint32_t key_groups) {
  if (rs.empty() || rs.size() > key_groups)
    return std::string{"a deployment needs 1 to key-groups owner ranges"};
  for (const auto& r : rs)
    if (!valid_range(r, key_groups))
      return "owner range [" + std::to_string(r.first) + ", "
             + std::to_string(r.last) + ") is not within the job's "
             + std::to_string(key_groups) + " key groups";
  return std::nullopt;
}

} // namespace

std::optional<std::string> check_deployment(const sink_deployment& d) {
  if (d.producers == 0 || d.producers > max_tasks)
    return std::string{"a sink needs 1 to 65536 producers"};
  if (!d.coordinator)
    return std::string{"a sink deployment without its coordinator"};
  return std::nullopt;
}

std::optional<std::string> check_deployment(const combiner_deployment& d,
                                            uint32_t key_groups) {
  if (auto problem = check_ranges(d.owner_ranges, key_groups))
    return problem;
  if (d.restore.size() > 1)
    return std::string{"a combiner restores at most one state"};
  if (!d.coordinator || d.sinks.empty())
    return std::string{"a combiner deployment without coordinator or sinks"};
  return std::nullopt;
}

std::optional<std::string> check_deployment(const owner_deployment& d,
                                            uint32_t key_groups) {
  if (!valid_range(d.range, key_groups))
    return std::string{"an owner's key-group range is not within the job's "}
           + std::to_string(key_groups) + " key groups";
  if (d.inputs == 0 || d.inputs > max_tasks)
    return std::string{"an owner needs 1 to 65536 inputs"};
  if (d.index >= key_groups)
    return out_of("owner index", d.index, key_groups);
  for (const auto& g : d.restore)
    if (!d.range.contains(g.group))
      return "restored key group " + std::to_string(g.group)
             + " is outside the owner's range";
  if (!d.coordinator || d.sinks.empty())
    return std::string{"an owner deployment without coordinator or sinks"};
  return std::nullopt;
}

std::optional<std::string> check_deployment(const source_deployment& d,
                                            uint32_t key_groups) {
  if (d.index >= max_tasks)
    return out_of("source index", d.index, max_tasks);
  if (d.partitions.size() > max_tasks)
    return std::string{"too many partitions for one source"};
  for (auto p : d.partitions)
    if (p < 0)
      return "partition " + std::to_string(p) + " is negative";
  if (auto problem = check_ranges(d.owner_ranges, key_groups))
    return problem;
  if (d.owners.size() != d.owner_ranges.size())
    return std::string{"a source needs one owner per owner range"};
  for (const auto& r : d.restore)
    if (std::find(d.partitions.begin(), d.partitions.end(), r.partition)
        == d.partitions.end())
      return "restored partition " + std::to_string(r.partition)
             + " is not one of the source's";
  if (!d.coordinator)
    return std::string{"a source deployment without its coordinator"};
  return std::nullopt;
}

} // namespace ubaflow
