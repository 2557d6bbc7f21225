#pragma once

// The JSON bodies of the read-only endpoints of Flink's REST API (same
// field names and shapes; docs/rest-api.md), rendered from a rest_view.
// Internal to the REST API: flink_api.cpp routes requests to them.

#include "coordinator/rest/flink_api.hpp"
#include "coordinator/rest/job_view.hpp"

#include <boost/json.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ubaflow::flink_rest {

/// 200 with `body` as JSON.
http_reply reply(boost::json::value body);

boost::json::object plan_of(const rest_view& view,
                            const std::vector<job_vertex>& vertices);
boost::json::object job_details(const rest_view& view);
boost::json::object job_overview(const rest_view& view);
boost::json::object checkpoint_entry(const checkpoint_record& record);
boost::json::object checkpoints(const rest_view& view);
boost::json::object exceptions(const rest_view& view);

/// Slots of `worker` the job's tasks use.
uint32_t used_slots(const rest_view& view, uint32_t worker);
boost::json::object taskmanager(const rest_view& view,
                                const worker_summary& worker);

/// Flink's metric list: ids only, or ids and values of those in ?get=.
boost::json::array
metric_values(const std::vector<std::pair<std::string, std::string>>& values,
              const std::map<std::string, std::string>& query);

/// /jobs/:jid/vertices/:vid and what lies below it (`rest`: the segments
/// after the vertex id).
http_reply vertex_get(const rest_view& view, const job_vertex& vertex,
                      const std::vector<std::string>& rest,
                      const std::map<std::string, std::string>& query);

} // namespace ubaflow::flink_rest
