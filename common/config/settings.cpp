#include "common/config/settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ubaflow {

const char* to_string(value_origin origin) {
  switch (origin) {
    case value_origin::default_value:
      return "default";
    case value_origin::config_file:
      return "config file";
    case value_origin::environment:
      return "environment";
    case value_origin::command_line:
      return "command line";
  }
  return "?";
}

namespace {

std::string trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
    ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  return std::string{text.substr(begin, end - begin)};
}

std::string lower(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (c == separator) {
      parts.push_back(trim(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  parts.push_back(trim(current));
  parts.erase(std::remove(parts.begin(), parts.end(), std::string{}),
              parts.end());
  return parts;
}

/// `value` as an int64_t, or nothing when it does not fit (casting it would
/// be undefined behaviour).
std::optional<int64_t> to_int64(double value) {
  if (!(value < 9223372036854775808.0)) // 2^63
    return std::nullopt;
  return static_cast<int64_t>(value);
}

/// Splits "12.5ms" into a number and a lower-case unit.
bool split_number_unit(const std::string& text, double& number,
                       std::string& unit) {
  std::string t = trim(text);
  size_t i = 0;
  while (i < t.size()
         && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.'))
    ++i;
  if (i == 0)
    return false;
  try {
    size_t used = 0;
    number = std::stod(t.substr(0, i), &used);
    if (used != i)
      return false;
  } catch (const std::exception&) {
    return false;
  }
  unit = lower(trim(t.substr(i)));
  return true;
}

} // namespace

std::optional<int64_t> parse_int(const std::string& text) {
  std::string t = trim(text);
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc{} || ptr != t.data() + t.size() || t.empty())
    return std::nullopt;
  return value;
}

std::optional<double> parse_number(const std::string& text) {
  std::string t = trim(text);
  if (t.empty())
    return std::nullopt;
  try {
    size_t used = 0;
    double value = std::stod(t, &used);
    if (used != t.size() || !(value == value))
      return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<int64_t> parse_duration_ms(const std::string& text) {
  double number = 0;
  std::string unit;
  if (!split_number_unit(text, number, unit))
    return std::nullopt;
  double factor = 0;
  if (unit == "ms")
    factor = 1;
  else if (unit == "s" || unit == "sec")
    factor = 1000;
  else if (unit == "min" || unit == "m")
    factor = 60'000;
  else if (unit == "h")
    factor = 3'600'000;
  else if (unit == "d")
    factor = 86'400'000;
  else if (unit.empty() && number == 0)
    factor = 1;
  else
    return std::nullopt;
  return to_int64(number * factor + 0.5);
}

std::optional<int64_t> parse_bytes(const std::string& text) {
  double number = 0;
  std::string unit;
  if (!split_number_unit(text, number, unit))
    return std::nullopt;
  double factor = 0;
  if (unit.empty() || unit == "b")
    factor = 1;
  else if (unit == "kb" || unit == "k" || unit == "kib")
    factor = 1024;
  else if (unit == "mb" || unit == "m" || unit == "mib")
    factor = 1024.0 * 1024;
  else if (unit == "gb" || unit == "g" || unit == "gib")
    factor = 1024.0 * 1024 * 1024;
  else
    return std::nullopt;
  return to_int64(number * factor + 0.5);
}

std::optional<bool> parse_bool(const std::string& text) {
  auto t = lower(trim(text));
  if (t == "true" || t == "yes" || t == "on" || t == "1")
    return true;
  if (t == "false" || t == "no" || t == "off" || t == "0")
    return false;
  return std::nullopt;
}

std::optional<std::string> validate_value(const option_spec& spec,
                                          const std::string& value) {
  auto bounded = [&](int64_t v, const char* what) -> std::optional<std::string> {
    if (v < spec.min || v > spec.max) {
      std::ostringstream msg;
      msg << "'" << value << "' is out of range for this " << what;
      if (spec.min != std::numeric_limits<int64_t>::min())
        msg << " (minimum " << spec.min << ")";
      if (spec.max != std::numeric_limits<int64_t>::max())
        msg << " (maximum " << spec.max << ")";
      return msg.str();
    }
    return std::nullopt;
  };
  switch (spec.type) {
    case option_type::string:
    case option_type::list:
      return std::nullopt;
    case option_type::integer: {
      auto v = parse_int(value);
      if (!v)
        return "'" + value + "' is not an integer";
      return bounded(*v, "integer");
    }
    case option_type::number: {
      auto v = parse_number(value);
      if (!v)
        return "'" + value + "' is not a number";
      if (*v < static_cast<double>(spec.min) || *v > static_cast<double>(spec.max))
        return "'" + value + "' is out of range ["
               + std::to_string(spec.min) + ", " + std::to_string(spec.max)
               + "]";
      return std::nullopt;
    }
    case option_type::boolean:
      if (!parse_bool(value))
        return "'" + value + "' is not a boolean (use true or false)";
      return std::nullopt;
    case option_type::duration: {
      auto v = parse_duration_ms(value);
      if (!v)
        return "'" + value
               + "' is not a duration; use a number with a unit (ms, s, min, "
                 "h, d), e.g. 5s or 200ms";
      return bounded(*v, "duration in milliseconds");
    }
    case option_type::bytes: {
      auto v = parse_bytes(value);
      if (!v)
        return "'" + value + "' is not a size; use e.g. 2mb, 512kb or 1048576";
      return bounded(*v, "size in bytes");
    }
    case option_type::choice:
      if (std::find(spec.choices.begin(), spec.choices.end(), value)
          == spec.choices.end()) {
        std::string msg = "'" + value + "' is not one of: ";
        for (size_t i = 0; i < spec.choices.size(); ++i)
          msg += (i ? ", " : "") + spec.choices[i];
        return msg;
      }
      return std::nullopt;
    case option_type::kv_list:
      for (const auto& item : split(value, ';'))
        if (item.find('=') == std::string::npos || item.front() == '=')
          return "'" + item + "' is not a key=value pair";
      return std::nullopt;
  }
  return std::nullopt;
}

// -- settings -----------------------------------------------------------------

const settings::entry& settings::lookup(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end())
    throw std::logic_error("undeclared option read: " + key);
  return it->second;
}

const std::string& settings::get_string(const std::string& key) const {
  return lookup(key).text;
}

int64_t settings::get_int(const std::string& key) const {
  return parse_int(lookup(key).text).value_or(0);
}

double settings::get_number(const std::string& key) const {
  return parse_number(lookup(key).text).value_or(0.0);
}

bool settings::get_bool(const std::string& key) const {
  return parse_bool(lookup(key).text).value_or(false);
}

int64_t settings::get_duration_ms(const std::string& key) const {
  return parse_duration_ms(lookup(key).text).value_or(0);
}

int64_t settings::get_bytes(const std::string& key) const {
  return parse_bytes(lookup(key).text).value_or(0);
}

std::vector<std::string> settings::get_list(const std::string& key) const {
  return split(lookup(key).text, ',');
}

std::vector<std::pair<std::string, std::string>>
settings::get_kv_list(const std::string& key) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& item : split(lookup(key).text, ';')) {
    auto eq = item.find('=');
    out.emplace_back(trim(item.substr(0, eq)), trim(item.substr(eq + 1)));
  }
  return out;
}

value_origin settings::origin_of(const std::string& key) const {
  return lookup(key).origin;
}

std::vector<std::tuple<std::string, std::string, value_origin>>
settings::effective() const {
  std::vector<std::tuple<std::string, std::string, value_origin>> out;
  for (const auto& spec : options_->specs()) {
    const auto& e = lookup(spec.key);
    out.emplace_back(spec.key,
                     spec.secret && !e.text.empty() ? "******" : e.text,
                     e.origin);
  }
  return out;
}

std::vector<std::tuple<std::string, std::string, value_origin>>
settings::displayed() const {
  auto out = effective();
  auto sensitive = [](std::string key) {
    for (auto& c : key)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* word : {"password", "secret", "jaas", "key.pem", "token",
                             "credential"})
      if (key.find(word) != std::string::npos)
        return true;
    return false;
  };
  for (auto& [key, value, origin] : out) {
    const auto* spec = options_->find(key);
    if (!spec || spec->type != option_type::kv_list || value.empty())
      continue;
    std::string masked;
    size_t start = 0;
    while (start <= value.size()) {
      auto end = value.find(';', start);
      if (end == std::string::npos)
        end = value.size();
      std::string entry = value.substr(start, end - start);
      const auto eq = entry.find('=');
      if (eq != std::string::npos && sensitive(entry.substr(0, eq)))
        entry = entry.substr(0, eq + 1) + "******";
      masked += (masked.empty() ? "" : ";") + entry;
      start = end + 1;
    }
    value = masked;
  }
  return out;
}

std::optional<std::string> settings::set(const std::string& key,
                                         std::string value,
                                         value_origin origin) {
  const option_spec* spec = options_->find(key);
  if (spec == nullptr)
    return "unknown option --" + key;
  if (auto error = validate_value(*spec, value))
    return "--" + key + ": " + *error;
  auto& e = values_[key];
  bool append = (spec->type == option_type::list
                 || spec->type == option_type::kv_list)
                && e.origin == origin && origin == value_origin::command_line
                && !e.text.empty();
  if (append)
    e.text += (spec->type == option_type::list ? "," : ";") + value;
  else
    e.text = std::move(value);
  e.origin = origin;
  return std::nullopt;
}

void settings::load_defaults() {
  for (const auto& spec : options_->specs()) {
    if (auto error = validate_value(spec, spec.default_value);
        error && !spec.default_value.empty())
      throw std::logic_error("bad default for " + spec.key + ": " + *error);
    values_[spec.key] = {spec.default_value, value_origin::default_value};
  }
}

// -- resolution ---------------------------------------------------------------

env_lookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str()))
      return std::string{value};
    return std::nullopt;
  };
}

namespace {

std::string unquote(std::string value) {
  value = trim(value);
  if (value.size() >= 2
      && ((value.front() == '"' && value.back() == '"')
          || (value.front() == '\'' && value.back() == '\'')))
    return value.substr(1, value.size() - 2);
  if (value.size() >= 2 && value.front() == '[' && value.back() == ']') {
    // A TOML-style array of strings becomes a comma-separated list.
    std::string joined;
    for (auto& item : split(value.substr(1, value.size() - 2), ','))
      joined += (joined.empty() ? "" : ",") + unquote(item);
    return joined;
  }
  return value;
}

/// Reads an INI/TOML-style file: "[section]" headers, "key = value" lines,
/// '#' or ';' comments. Returns an error message or nothing.
std::optional<std::string>
read_config_file(const std::string& path, const option_set& options,
                 settings& out) {
  std::ifstream in(path);
  if (!in)
    return "cannot read config file '" + path + "'";
  std::string line;
  std::string section;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    auto t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';')
      continue;
    auto where = path + ":" + std::to_string(line_no) + ": ";
    if (t.front() == '[') {
      if (t.back() != ']')
        return where + "malformed section header '" + t + "'";
      section = trim(t.substr(1, t.size() - 2));
      continue;
    }
    auto eq = t.find('=');
    if (eq == std::string::npos)
      return where + "expected 'key = value', got '" + t + "'";
    auto name = trim(t.substr(0, eq));
    auto key = section.empty() ? name : section + "." + name;
    if (options.find(key) == nullptr) {
      auto hint = options.suggest(key);
      return where + "unknown option '" + key + "'"
             + (hint.empty() ? "" : " (did you mean '" + hint + "'?)");
    }
    if (auto error = out.set(key, unquote(t.substr(eq + 1)),
                             value_origin::config_file))
      return where + *error;
  }
  return std::nullopt;
}

} // namespace

resolve_result resolve_settings(const option_set& options,
                                const std::vector<std::string>& args,
                                const env_lookup& env) {
  resolve_result result;
  settings values{&options};
  values.load_defaults();

  // Split the command line into "--key value" pairs first, so that the
  // config file can be applied before the other command-line values.
  std::vector<std::pair<std::string, std::string>> cli;
  std::optional<std::string> config_path;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      result.help = true;
      result.help_format = "text";
      return result;
    }
    if (arg == "--help-markdown") {
      result.help = true;
      result.help_format = "markdown";
      return result;
    }
    if (arg.rfind("--", 0) != 0) {
      result.positional.push_back(arg);
      continue;
    }
    std::string key = arg.substr(2);
    std::string value;
    auto eq = key.find('=');
    if (eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else {
      const option_spec* spec = options.find(key);
      if (spec && spec->type == option_type::boolean
          && (i + 1 >= args.size() || !parse_bool(args[i + 1]))) {
        value = "true"; // a bare boolean flag
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else if (key != "config") {
        result.error = "option --" + key + " needs a value";
        return result;
      }
    }
    if (key == "config") {
      config_path = value;
      continue;
    }
    cli.emplace_back(key, value);
  }

  if (!config_path)
    config_path = env("UBAFLOW_CONFIG");
  if (config_path && !config_path->empty()) {
    if (auto error = read_config_file(*config_path, options, values)) {
      result.error = *error;
      return result;
    }
  }

  for (const auto& spec : options.specs()) {
    if (auto value = env(spec.env_name())) {
      if (auto error = values.set(spec.key, *value, value_origin::environment)) {
        result.error = spec.env_name() + ": " + *error;
        return result;
      }
    }
  }

  for (auto& [key, value] : cli) {
    const option_spec* spec = options.find(key);
    if (spec == nullptr) {
      auto hint = options.suggest(key);
      result.error = "unknown option --" + key
                     + (hint.empty() ? "" : " (did you mean --" + hint + "?)");
      return result;
    }
    if (spec->secret) {
      result.error = "--" + key
                     + " is a secret: pass it through the environment ("
                     + spec->env_name()
                     + ") or a config file, not the command line";
      return result;
    }
    if (auto error = values.set(key, value, value_origin::command_line)) {
      result.error = *error;
      return result;
    }
  }
  result.values = std::move(values);
  return result;
}

} // namespace ubaflow
