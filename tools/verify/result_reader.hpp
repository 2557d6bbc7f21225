#pragma once

#include "common/protocol/results.hpp"
#include "worker/sink/es_http_client.hpp"

#include <boost/json.hpp>

#include <vector>
#include <map>
#include <string>

namespace ubaflow {

/// The current documents of result indices (names without the prefix), by id.
struct result_set {
  std::map<std::string, std::map<std::string, boost::json::object>> tables;

  std::map<std::string, boost::json::object>& of(const std::string& index) {
    return tables[index];
  }
  std::map<std::string, boost::json::object>& of(result_kind kind) {
    return of(std::string{to_string(kind)});
  }
  const std::map<std::string, boost::json::object>&
  of(const std::string& index) const {
    static const std::map<std::string, boost::json::object> none;
    auto it = tables.find(index);
    return it == tables.end() ? none : it->second;
  }
  const std::map<std::string, boost::json::object>& of(result_kind kind) const {
    return of(std::string{to_string(kind)});
  }
};

/// Reads the files of `indices` from the NDJSON sink's `directory` (the
/// last line per _id wins). Missing files are empty tables.
bool read_ndjson_results(const std::string& directory,
                         const std::string& index_prefix,
                         const std::vector<std::string>& indices,
                         result_set& out, std::string& error);

/// Reads `indices` from Elasticsearch (up to 10,000 documents each).
bool read_es_results(es_http_client& client, const std::string& index_prefix,
                     const std::vector<std::string>& indices,
                     result_set& out, std::string& error);

/// Where results are read from: "ndjson:DIR" or "es:http[s]://HOST:PORT".
struct result_location {
  bool elasticsearch = false;
  std::string target; ///< directory or URL
};

std::optional<result_location> parse_result_location(const std::string& text,
                                                     std::string& error);

} // namespace ubaflow
