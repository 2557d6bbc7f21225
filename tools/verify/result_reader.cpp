#include "tools/verify/result_reader.hpp"

#include "worker/sink/es_bulk.hpp"

#include <filesystem>
#include <fstream>

namespace ubaflow {

bool read_ndjson_results(const std::string& directory,
                         const std::string& index_prefix,
                         const std::vector<std::string>& indices,
                         result_set& out, std::string& error) {
  if (!std::filesystem::is_directory(directory)) {
    error = "no result directory '" + directory + "'";
    return false;
  }
  const index_names names{index_prefix};
  for (const auto& kind : indices) {
    const auto path = std::filesystem::path{directory}
                      / (names.of(kind) + ".ndjson");
    std::ifstream in(path);
    if (!in)
      continue;
    std::string line;
    size_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty())
        continue;
      boost::json::error_code ec;
      auto doc = boost::json::parse(line, ec);
      if (ec || !doc.is_object() || !doc.as_object().contains("_id")
          || !doc.as_object().at("_source").is_object()) {
        error = path.string() + ":" + std::to_string(line_no)
                + ": not a result line";
        return false;
      }
      auto& obj = doc.as_object();
      out.of(kind)[std::string{obj.at("_id").as_string()}]
        = obj.at("_source").as_object();
    }
  }
  return true;
}

bool read_es_results(es_http_client& client, const std::string& index_prefix,
                     const std::vector<std::string>& indices,
                     result_set& out, std::string& error) {
  const index_names names{index_prefix};
  for (const auto& kind : indices) {
    const std::string index = names.of(kind);
    client.request("POST", "/" + index + "/_refresh");
    auto res = client.request("GET", "/" + index
                                       + "/_search?size=10000");
    if (!res.received()) {
      error = res.transport_error;
      return false;
    }
    if (res.status == 404)
      continue; // index never written
    if (res.status != 200) {
      error = "GET " + index + "/_search answered "
              + std::to_string(res.status) + ": " + describe_es_error(res.body);
      return false;
    }
    boost::json::error_code ec;
    auto doc = boost::json::parse(res.body, ec);
    if (ec || !doc.is_object()) {
      error = "unreadable search response from " + index;
      return false;
    }
    const auto* hits = doc.as_object().if_contains("hits");
    if (!hits || !hits->is_object()
        || !hits->as_object().contains("hits")) {
      error = "search response of " + index + " has no hits";
      return false;
    }
    for (const auto& hit : hits->as_object().at("hits").as_array()) {
      const auto& h = hit.as_object();
      out.of(kind)[std::string{h.at("_id").as_string()}]
        = h.at("_source").as_object();
    }
  }
  return true;
}

std::optional<result_location> parse_result_location(const std::string& text,
                                                      std::string& error) {
  result_location loc;
  if (text.rfind("ndjson:", 0) == 0) {
    loc.target = text.substr(7);
  } else if (text.rfind("es:", 0) == 0) {
    loc.elasticsearch = true;
    loc.target = text.substr(3);
  } else {
    error = "'" + text + "' is neither ndjson:DIR nor es:URL";
    return std::nullopt;
  }
  if (loc.target.empty()) {
    error = "'" + text + "' names no directory or URL";
    return std::nullopt;
  }
  return loc;
}

} // namespace ubaflow
