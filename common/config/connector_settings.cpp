#include "common/config/connector_settings.hpp"

#include <cctype>

namespace ubaflow {

std::optional<startup_mode> startup_mode_from_string(const std::string& text) {
  if (text == "earliest" || text == "earliest-offset")
    return startup_mode::earliest;
  if (text == "latest" || text == "latest-offset")
    return startup_mode::latest;
  if (text == "group-offsets")
    return startup_mode::group_offsets;
  if (text == "timestamp")
    return startup_mode::timestamp;
  return std::nullopt;
}

const char* to_string(startup_mode mode) {
  switch (mode) {
    case startup_mode::earliest:
      return "earliest";
    case startup_mode::latest:
      return "latest";
    case startup_mode::group_offsets:
      return "group-offsets";
    case startup_mode::timestamp:
      return "timestamp";
  }
  return "?";
}

std::string es_endpoint::url() const {
  return std::string{tls ? "https" : "http"} + "://" + host + ":" + port
         + path_prefix;
}

namespace {

bool is_identifier(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return true;
}

/// SOCI's connection-string parser reads single-quoted values without an
/// escape mechanism.
bool fits_connect_string(const std::string& value) {
  return value.find('\'') == std::string::npos;
}

} // namespace

std::optional<std::string> mysql_settings::validate() const {
  for (const auto* name : {&database, &table})
    if (!is_identifier(*name))
      return "'" + *name
             + "' is not a plain SQL identifier (letters, digits, _)";
  if (!fits_connect_string(password) || !fits_connect_string(user)
      || !fits_connect_string(host))
    return "MySQL user, host and password must not contain a single quote "
           "(SOCI's connection string cannot escape it)";
  if (port <= 0 || port > 65535)
    return "MySQL port " + std::to_string(port) + " is out of range";
  return std::nullopt;
}

std::string file_range::name() const {
  if (of <= 1)
    return path;
  return path + "[" + std::to_string(index + 1) + "/" + std::to_string(of)
         + "]";
}

} // namespace ubaflow
