#pragma once

// The values of connector options (WITH ('key' = 'value')) as Flink writes
// them: durations ('10min', '5 s'), memory sizes ('2mb'), booleans,
// integers, Elasticsearch host lists and MySQL JDBC URLs, and `${VAR}`
// references to the environment, whose syntax is checked here and whose
// expansion waits for run time (so a secret never enters a plan or a
// message). Internal to the binder.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ubaflow {

/// Why `value`'s `${...}` references are malformed (unterminated, empty,
/// or a name that is not [A-Za-z_][A-Za-z0-9_]*), or nullopt if they are
/// fine. A `$` not followed by `{` is an ordinary character.
std::optional<std::string> env_reference_error(std::string_view value);

/// Whether `value` holds a `${...}` reference.
bool has_env_reference(std::string_view value);

/// A non-negative decimal integer that fits int64.
std::optional<int64_t> parse_option_integer(std::string_view text);

/// 'true' or 'false', in any case.
std::optional<bool> parse_option_boolean(std::string_view text);

/// Flink's durations: a number and a unit (ms, s, sec, second(s), min,
/// minute(s), h, hour(s), d, day(s)), spaces allowed between; a bare
/// number is milliseconds. In milliseconds.
std::optional<int64_t> parse_option_duration_ms(std::string_view text);

/// Flink's memory sizes: a number and b, kb/k, mb/m, gb/g (any case); a
/// bare number is bytes.
std::optional<int64_t> parse_option_bytes(std::string_view text);

/// Why `hosts` (Elasticsearch's 'hosts': http[s]://host:port, several
/// separated by ';') is malformed, or nullopt.
std::optional<std::string> es_hosts_error(std::string_view hosts);

/// jdbc:mysql://host[:port]/database[?parameters] (also jdbc:mariadb:).
struct jdbc_url {
  std::string host;
  std::string port = "3306";
  std::string database;
};
std::optional<jdbc_url> parse_jdbc_url(std::string_view url);

} // namespace ubaflow
