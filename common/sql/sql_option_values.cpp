#include "common/sql/sql_option_values.hpp"

#include <limits>
#include <vector>

namespace ubaflow {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

std::string lowercase(std::string_view text) {
  std::string out{text};
  for (char& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

/// Splits "10 min" into the number 10 and the unit "min".
bool split_number_and_unit(std::string_view text, int64_t& number, std::string& unit) {
  text = trimmed(text);
  size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits]))
    ++digits;
  const auto value = parse_option_integer(text.substr(0, digits));
  if (!value)
    return false;
  number = *value;
  unit = lowercase(trimmed(text.substr(digits)));
  return true;
}

std::optional<int64_t> scaled(int64_t number, int64_t factor) {
  if (number > std::numeric_limits<int64_t>::max() / factor)
    return std::nullopt;
  return number * factor;
}

} // namespace

std::optional<std::string> env_reference_error(std::string_view value) {
  for (size_t i = 0; i + 1 < value.size(); ++i) {
    if (value[i] != '$' || value[i + 1] != '{')
      continue;
    const size_t close = value.find('}', i + 2);
    if (close == std::string_view::npos)
      return std::string{"unterminated ${ (write ${NAME})"};
    const std::string_view name = value.substr(i + 2, close - i - 2);
    if (name.empty())
      return std::string{"empty ${} (write ${NAME})"};
    bool valid = is_name_start(name.front());
    for (char c : name)
      valid = valid && (is_name_start(c) || is_digit(c));
    if (!valid)
      return "${" + std::string{name.substr(0, 40)}
             + "} is not an environment variable name (letters, digits, _)";
    i = close;
  }
  return std::nullopt;
}

bool has_env_reference(std::string_view value) {
  return value.find("${") != std::string_view::npos;
}

std::optional<int64_t> parse_option_integer(std::string_view text) {
  text = trimmed(text);
  if (text.empty() || text.size() > 19)
    return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (!is_digit(c))
      return std::nullopt;
    if (value > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10)
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<bool> parse_option_boolean(std::string_view text) {
  const std::string word = lowercase(trimmed(text));
  if (word == "true")
    return true;
  if (word == "false")
    return false;
  return std::nullopt;
}

std::optional<int64_t> parse_option_duration_ms(std::string_view text) {
  int64_t number = 0;
  std::string unit;
  if (!split_number_and_unit(text, number, unit))
    return std::nullopt;
  struct unit_factor {
    const char* name;
    int64_t ms;
  };
  static constexpr unit_factor units[] = {
    {"", 1},          {"ms", 1},           {"milli", 1},      {"millis", 1},
    {"millisecond", 1}, {"milliseconds", 1}, {"s", 1000},      {"sec", 1000},
    {"secs", 1000},   {"second", 1000},    {"seconds", 1000}, {"min", 60'000},
    {"mins", 60'000}, {"minute", 60'000},  {"minutes", 60'000}, {"m", 60'000},
    {"h", 3'600'000}, {"hour", 3'600'000}, {"hours", 3'600'000}, {"d", 86'400'000},
    {"day", 86'400'000}, {"days", 86'400'000},
  };
  for (const auto& u : units)
    if (unit == u.name)
      return scaled(number, u.ms);
  return std::nullopt;
}

std::optional<int64_t> parse_option_bytes(std::string_view text) {
  int64_t number = 0;
  std::string unit;
  if (!split_number_and_unit(text, number, unit))
    return std::nullopt;
  if (unit.empty() || unit == "b" || unit == "bytes")
    return number;
  if (unit == "k" || unit == "kb" || unit == "kib")
    return scaled(number, 1LL << 10);
  if (unit == "m" || unit == "mb" || unit == "mib")
    return scaled(number, 1LL << 20);
  if (unit == "g" || unit == "gb" || unit == "gib")
    return scaled(number, 1LL << 30);
  return std::nullopt;
}

std::optional<std::string> es_hosts_error(std::string_view hosts) {
  size_t start = 0;
  for (;;) {
    const size_t end = std::min(hosts.find(';', start), hosts.size());
    const std::string_view host = trimmed(hosts.substr(start, end - start));
    const size_t scheme = host.find("://");
    const std::string_view protocol
      = scheme == std::string_view::npos ? std::string_view{} : host.substr(0, scheme);
    if (protocol != "http" && protocol != "https")
      return "'" + std::string{host.substr(0, 60)}
             + "' is not http://host:port or https://host:port";
    std::string_view rest = host.substr(scheme + 3);
    rest = rest.substr(0, rest.find('/'));
    const size_t colon = rest.find(':');
    if (rest.empty() || colon == 0)
      return "'" + std::string{host.substr(0, 60)} + "' has no host name";
    if (colon != std::string_view::npos) {
      const auto port = parse_option_integer(rest.substr(colon + 1));
      if (!port || *port < 1 || *port > 65535)
        return "'" + std::string{host.substr(0, 60)} + "' has no valid port";
    }
    if (end == hosts.size())
      return std::nullopt;
    start = end + 1;
  }
}

std::optional<jdbc_url> parse_jdbc_url(std::string_view url) {
  std::string_view rest;
  for (std::string_view prefix : {"jdbc:mysql://", "jdbc:mariadb://"})
    if (url.substr(0, prefix.size()) == prefix)
      rest = url.substr(prefix.size());
  const size_t slash = rest.find('/');
  if (rest.empty() || slash == std::string_view::npos || slash == 0)
    return std::nullopt;
  jdbc_url out;
  std::string_view authority = rest.substr(0, slash);
  const size_t colon = authority.find(':');
  if (colon != std::string_view::npos) {
    const auto port = parse_option_integer(authority.substr(colon + 1));
    if (!port || *port < 1 || *port > 65535)
      return std::nullopt;
    out.port = std::to_string(*port);
    authority = authority.substr(0, colon);
  }
  if (authority.empty())
    return std::nullopt;
  out.host = std::string{authority};
  std::string_view database = rest.substr(slash + 1);
  database = database.substr(0, database.find('?'));
  if (database.empty())
    return std::nullopt;
  out.database = std::string{database};
  return out;
}

} // namespace ubaflow
