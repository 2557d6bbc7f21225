#pragma once

// The REST API's routes as a table: a method, a path pattern and a
// handler, matched in the order added. A pattern's segments are literals or
// `:name` parameters ("/jobs/:jid/checkpoints/details/:cid"); a handler
// gets the request's context (what the routes answer from) and the
// route_match with the bound parameters and the query.

#include "common/http/http_server.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

struct route_match {
  std::map<std::string, std::string> params; ///< ":jid" → its segment
  const std::map<std::string, std::string>* query = nullptr;

  const std::string& param(const std::string& name) const {
    return params.at(name);
  }
};

/// A pattern's segments ("/jobs/:jid" → {"jobs", ":jid"}).
std::vector<std::string> pattern_segments(std::string_view pattern);

/// Binds `pattern`'s parameters to `segments`; false if they do not match.
bool match_pattern(const std::vector<std::string>& pattern,
                   const std::vector<std::string>& segments, route_match& m);

template <class Context>
class route_table {
public:
  using handler = std::function<http_reply(const Context&, const route_match&)>;

  route_table& add(std::string method, std::string_view pattern, handler fn) {
    routes_.push_back({std::move(method), pattern_segments(pattern),
                       std::move(fn)});
    return *this;
  }

  /// Answers with the first route matching `method` and `segments`;
  /// nothing if none does. `other_method` tells whether a route matched
  /// the path with another method (405 rather than 404).
  std::optional<http_reply>
  dispatch(const Context& context, const std::string& method,
           const std::vector<std::string>& segments,
           const std::map<std::string, std::string>& query,
           bool* other_method = nullptr) const {
    if (other_method)
      *other_method = false;
    for (const auto& r : routes_) {
      route_match m;
      m.query = &query;
      if (!match_pattern(r.pattern, segments, m))
        continue;
      if (r.method != method) {
        if (other_method)
          *other_method = true;
        continue;
      }
      return r.fn(context, m);
    }
    return std::nullopt;
  }

private:
  struct route {
    std::string method;
    std::vector<std::string> pattern;
    handler fn;
  };
  std::vector<route> routes_;
};

} // namespace ubaflow
