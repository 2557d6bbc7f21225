#include "worker/state/sql_result_rows.hpp"

#include "common/sql/exec/sql_document.hpp"

#include <boost/json/serialize.hpp>

namespace ubaflow {

void append_result_rows(const sql_job& job, const time_zone& zone,
                        std::vector<sql_sink_row> rows,
                        std::vector<result_row>& out) {
  for (auto& r : rows) {
    const auto& query = job.plan.queries.at(r.query);
    const auto& sink = job.script.tables.at(query.sink);
    auto document = sql_document(sink, r.row, zone);
    result_row row;
    row.index = job.query_indices.at(r.query);
    row.id = r.id.empty() ? document_id(sink, r.row, document) : r.id;
    row.document = boost::json::serialize(document);
    out.push_back(std::move(row));
  }
}

} // namespace ubaflow
