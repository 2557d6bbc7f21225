#pragma once

#include "common/protocol/results.hpp"
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

} // namespace ubaflow
