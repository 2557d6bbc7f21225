#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ubaflow {

enum class option_type {
  string,   ///< free text
  integer,  ///< signed 64-bit, optionally bounded
  number,   ///< floating point, optionally bounded (bounds are integers)
  boolean,  ///< true/false, yes/no, on/off, 1/0
  duration, ///< number with unit: ms, s, min, h, d ("0" allowed)
  bytes,    ///< number with optional unit: b, kb, mb, gb (powers of 1024)
  choice,   ///< one of a fixed list
  list,     ///< comma-separated values; repeated CLI flags append
  kv_list,  ///< ';'-separated key=value pairs; repeated CLI flags append
};

const char* to_string(option_type type);

/// One configuration option: declared once, with everything needed to parse
/// it from a file, the environment or the command line, validate it, and
/// document it.
struct option_spec {
  std::string key; ///< "section.name", e.g. "kafka.topic"
  option_type type = option_type::string;
  std::string default_value;
  std::string help;
  std::vector<std::string> choices; ///< for option_type::choice
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  /// Masked when printed; never accepted on the command line (where every
  /// user of the machine can read it in the process list).
  bool secret = false;

  /// Environment variable that overrides the option: UBAFLOW_ + the key in
  /// upper case with '.' and '-' turned into '_'.
  std::string env_name() const;
};

/// The options one command accepts, in declaration order.
class option_set {
public:
  explicit option_set(std::string command) : command_(std::move(command)) {}

  option_set& add(option_spec spec);

  /// Declares an option from its parts; `choices` for option_type::choice.
  option_set& add(std::string key, option_type type, std::string default_value,
                  std::string help, std::vector<std::string> choices = {});

  /// Declares a secret string option (see option_spec::secret).
  option_set& add_secret(std::string key, std::string help);

  /// Sets the bounds of the option declared last.
  option_set& bounded(int64_t min, int64_t max);

  const option_spec* find(const std::string& key) const;
  const std::vector<option_spec>& specs() const { return specs_; }
  const std::string& command() const { return command_; }

  /// Closest declared key to a misspelt one, or "" if nothing is close.
  std::string suggest(const std::string& key) const;

  /// Plain-text help grouped by section.
  std::string help_text() const;

  /// Markdown table used to generate docs/configuration.md.
  std::string markdown() const;

private:
  std::string command_;
  std::vector<option_spec> specs_;
};

} // namespace ubaflow
