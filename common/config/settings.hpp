#pragma once

#include "common/config/option_set.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ubaflow {

/// Where an option's effective value came from, lowest precedence first.
enum class value_origin { default_value, config_file, environment, command_line };

const char* to_string(value_origin origin);

/// Resolved, validated option values of one command. Typed getters never
/// fail for declared keys: every value was checked when it was resolved.
class settings {
public:
  settings() = default;
  explicit settings(const option_set* options) : options_(options) {}

  const std::string& get_string(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  double get_number(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  int64_t get_duration_ms(const std::string& key) const;
  int64_t get_bytes(const std::string& key) const;
  std::vector<std::string> get_list(const std::string& key) const;
  std::vector<std::pair<std::string, std::string>>
  get_kv_list(const std::string& key) const;

  value_origin origin_of(const std::string& key) const;

  /// Every option with its effective value (secret options masked) and
  /// origin; what a coordinator hands its workers.
  std::vector<std::tuple<std::string, std::string, value_origin>>
  effective() const;

  /// effective(), with sensitive entries of pass-through property lists
  /// (kafka.properties: passwords, secrets, JAAS configs, keys) masked too:
  /// for start-up logs and the REST API's configuration view.
  std::vector<std::tuple<std::string, std::string, value_origin>>
  displayed() const;

  /// Overrides a value programmatically (tests, orchestration); the value is
  /// validated like any other source. Returns an error message on failure.
  std::optional<std::string> set(const std::string& key, std::string value,
                                 value_origin origin = value_origin::command_line);

  const option_set& options() const { return *options_; }

  /// Sets every declared option to its default.
  void load_defaults();

private:
  struct entry {
    std::string text;
    value_origin origin = value_origin::default_value;
  };
  const entry& lookup(const std::string& key) const;

  const option_set* options_ = nullptr;
  std::map<std::string, entry> values_;
};

/// Outcome of resolving a command's options.
struct resolve_result {
  std::optional<settings> values;
  std::string error;             ///< set when values is empty and !help
  bool help = false;             ///< --help was given
  std::string help_format;       ///< "text" or "markdown"
  std::vector<std::string> positional;
};

using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

/// Reads the process environment.
env_lookup process_environment();

/// Resolves options with the precedence default < config file (--config or
/// UBAFLOW_CONFIG) < environment (UBAFLOW_*) < command line (--key=value or
/// --key value). `args` excludes the program and command names.
resolve_result resolve_settings(const option_set& options,
                                const std::vector<std::string>& args,
                                const env_lookup& env);

/// Checks one textual value against its spec; returns an error message or
/// nothing. Exposed for tests.
std::optional<std::string> validate_value(const option_spec& spec,
                                          const std::string& value);

/// Parsers shared by validation and the typed getters.
std::optional<int64_t> parse_duration_ms(const std::string& text);
std::optional<int64_t> parse_bytes(const std::string& text);
std::optional<bool> parse_bool(const std::string& text);
std::optional<int64_t> parse_int(const std::string& text);
std::optional<double> parse_number(const std::string& text);

} // namespace ubaflow
