#pragma once

#include "common/config/connector_settings.hpp"
#include "common/protocol/results.hpp"
#include "common/sql/sql_bound.hpp"
#include "worker/sink/es_bulk.hpp"

#include <string>
#include <utility>
#include <vector>

namespace ubaflow {

/// Legacy index templates (`PUT _template/<name>`, accepted by every
/// Elasticsearch 7.x) for the four result indices: time fields as dates in
/// the seed's "yyyy-MM-dd HH:mm:ss" shape (plus ISO and epoch millis),
/// counts as longs, names as keywords, no date detection on other strings.
/// Returns (template name, body) pairs.
std::vector<std::pair<std::string, std::string>>
index_templates(const index_names& names, int64_t refresh_interval_ms = 500);

/// The same for any indices (a job written in SQL: es_properties of each
/// sink table).
std::vector<std::pair<std::string, std::string>>
index_templates(const index_names& names,
                const std::vector<es_index_mapping>& mappings,
                int64_t refresh_interval_ms = 500);

/// A SQL sink table's field mappings, as a template's "properties"
/// members: dates in the forms sql_document writes them, integers as long,
/// DOUBLE and DECIMAL as double, strings as keywords.
std::string es_properties(const bound_table& sink);

/// The seed's four results' mappings (what the first form uses).
std::vector<es_index_mapping> builtin_index_mappings();

} // namespace ubaflow
