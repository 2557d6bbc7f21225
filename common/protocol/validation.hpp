#pragma once

// Field checks for messages that arrive from other nodes: every index,
// key group and enum is checked against what the receiver knows before
// any of it is used. Each function returns what is wrong, or nothing.

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/cluster.hpp"
#include "common/protocol/partials.hpp"
#include "common/protocol/results.hpp"
#include "common/protocol/status.hpp"
#include "common/util/key_groups.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Longest document id and document a result row may carry.
constexpr size_t max_result_id_bytes = 512;
constexpr size_t max_index_name_bytes = 200; ///< ES allows 255, less a prefix
constexpr size_t max_result_document_bytes = 1 << 20;
/// Metric samples a task's status may carry besides one per key group it
/// owns; a sample's label count and name/label sizes. Far above what the
/// probes publish (about 25 for a source), so that only a hostile or
/// broken peer meets them.
constexpr size_t max_status_samples = 256;
constexpr size_t max_sample_labels = 8;
constexpr size_t max_sample_text_bytes = 256;
/// Longest free text in a status (source description, errors).
constexpr size_t max_status_text_bytes = 64 * 1024;

/// A batch for an owner fed by `inputs` sources, in a job of `sql_queries`
/// queries.
std::optional<std::string> check_batch(const partial_batch& batch,
                                       size_t inputs, size_t sql_queries);

/// A UV report for a combiner of `owners` owners over `key_groups` groups.
std::optional<std::string> check_report(const uv_report& report,
                                        size_t owners, uint32_t key_groups);

/// A result's index name (without prefix), by Elasticsearch's rules.
std::optional<std::string> check_index_name(std::string_view index);

/// Result rows on their way to a sink or the REST API's store.
std::optional<std::string> check_rows(const std::vector<result_row>& rows);

/// A source's checkpoint part, from source `source` of `sources`.
std::optional<std::string> check_part(const source_checkpoint& part,
                                      size_t sources);

/// An owner's checkpoint part, from one of `owners` owners.
std::optional<std::string> check_part(const owner_checkpoint& part,
                                      size_t owners, uint32_t key_groups);

/// The combiner's checkpoint part.
std::optional<std::string> check_part(const combiner_checkpoint& part,
                                      uint32_t key_groups);

/// Task statuses (status replies, done_atom reports) from a job of
/// `key_groups` key groups: bounded text, sample counts and sizes, and
/// ranges within the job.
std::optional<std::string> check_status(const source_status& s);
std::optional<std::string> check_status(const owner_status& s,
                                        uint32_t key_groups);
std::optional<std::string> check_status(const sink_status& s);

/// Deployments from the job master, for a job of `key_groups` key groups.
std::optional<std::string> check_deployment(const sink_deployment& d);
std::optional<std::string> check_deployment(const combiner_deployment& d,
                                            uint32_t key_groups);
std::optional<std::string> check_deployment(const owner_deployment& d,
                                            uint32_t key_groups);
std::optional<std::string> check_deployment(const source_deployment& d,
                                            uint32_t key_groups);

} // namespace ubaflow
