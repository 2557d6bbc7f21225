#include "coordinator/rest/request_target.hpp"

#include <boost/url/parse.hpp>
// Boost.URL 1.81 as a header-only library: its sources, compiled here once.
#include <boost/url/src.hpp>

namespace ubaflow {

std::optional<request_target> parse_request_target(std::string_view target,
                                                   std::string& error) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    error = "malformed request target: " + url.error().message();
    return std::nullopt;
  }
  request_target out;
  out.path = url->path();
  for (auto segment : url->segments())
    if (!segment.empty())
      out.segments.push_back(segment);
  for (auto param : url->params())
    out.query[param.key] = param.has_value ? param.value : std::string{};
  return out;
}

} // namespace ubaflow
