#pragma once

// A request's target (origin form: path and query) split and decoded with
// Boost.URL.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

struct request_target {
  std::string path;                  ///< decoded, without the query
  std::vector<std::string> segments; ///< the path's non-empty segments
  std::map<std::string, std::string> query; ///< decoded; the last one wins
};

/// Nothing, and why in `error`, if `target` is not a valid origin-form
/// target (RFC 9112: an absolute path with an optional query).
std::optional<request_target> parse_request_target(std::string_view target,
                                                   std::string& error);

} // namespace ubaflow
