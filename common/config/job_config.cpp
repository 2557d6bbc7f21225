#include "common/config/job_config.hpp"

namespace ubaflow {

record_format job_config::format_of(const std::string& path) const {
  if (format == "json")
    return record_format::json;
  if (format == "csv")
    return record_format::csv;
  auto ends_with = [&](const char* suffix) {
    const std::string s{suffix};
    return path.size() >= s.size()
           && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  return ends_with(".csv") || ends_with(".CSV") ? record_format::csv
                                                : record_format::json;
}

} // namespace ubaflow
