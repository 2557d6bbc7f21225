#pragma once

#include "common/protocol/results.hpp"
#include "worker/sink/es_http_client.hpp"

#include <boost/json.hpp>

#include <array>
#include <map>
#include <string>

namespace ubaflow {

/// The current documents of the four result indices, by id.
struct result_set {
  std::array<std::map<std::string, boost::json::object>, result_kind_count>
    tables;

  std::map<std::string, boost::json::object>& of(result_kind kind) {
    return tables[static_cast<size_t>(kind)];
  }
  const std::map<std::string, boost::json::object>& of(result_kind kind) const {
    return tables[static_cast<size_t>(kind)];
  }
};

/// Reads the NDJSON sink's files in `directory` (the last line per _id
/// wins). Missing files are empty tables.
bool read_ndjson_results(const std::string& directory,
                         const std::string& index_prefix, result_set& out,
                         std::string& error);

/// Reads the indices from Elasticsearch (up to 10,000 documents each).
bool read_es_results(es_http_client& client, const std::string& index_prefix,
                     result_set& out, std::string& error);

/// Where results are read from: "ndjson:DIR" or "es:http[s]://HOST:PORT".
struct result_location {
  bool elasticsearch = false;
  std::string target; ///< directory or URL
};

std::optional<result_location> parse_result_location(const std::string& text,
                                                     std::string& error);

} // namespace ubaflow
