#include "common/config/option_set.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace ubaflow {

const char* to_string(option_type type) {
  switch (type) {
    case option_type::string:
      return "string";
    case option_type::integer:
      return "integer";
    case option_type::number:
      return "number";
    case option_type::boolean:
      return "boolean";
    case option_type::duration:
      return "duration";
    case option_type::bytes:
      return "bytes";
    case option_type::choice:
      return "choice";
    case option_type::list:
      return "list";
    case option_type::kv_list:
      return "key=value list";
  }
  return "?";
}

std::string option_spec::env_name() const {
  std::string name = "UBAFLOW_";
  for (char c : key)
    name.push_back(c == '.' || c == '-'
                     ? '_'
                     : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return name;
}

option_set& option_set::add(option_spec spec) {
  if (find(spec.key) != nullptr)
    throw std::logic_error("option declared twice: " + spec.key);
  specs_.push_back(std::move(spec));
  return *this;
}

option_set& option_set::add(std::string key, option_type type,
                             std::string default_value, std::string help,
                             std::vector<std::string> choices) {
  option_spec spec;
  spec.key = std::move(key);
  spec.type = type;
  spec.default_value = std::move(default_value);
  spec.help = std::move(help);
  spec.choices = std::move(choices);
  return add(std::move(spec));
}

option_set& option_set::add_secret(std::string key, std::string help) {
  option_spec spec;
  spec.key = std::move(key);
  spec.help = std::move(help);
  spec.secret = true;
  return add(std::move(spec));
}

option_set& option_set::bounded(int64_t min, int64_t max) {
  specs_.back().min = min;
  specs_.back().max = max;
  return *this;
}

const option_spec* option_set::find(const std::string& key) const {
  auto it = std::find_if(specs_.begin(), specs_.end(),
                         [&](const option_spec& s) { return s.key == key; });
  return it == specs_.end() ? nullptr : &*it;
}

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string section_of(const std::string& key) {
  auto dot = key.find('.');
  return dot == std::string::npos ? std::string{} : key.substr(0, dot);
}

std::string describe_type(const option_spec& spec,
                          const char* separator = "|") {
  if (spec.type != option_type::choice)
    return to_string(spec.type);
  std::string out = "one of ";
  bool first = true;
  for (const auto& choice : spec.choices) {
    if (choice.empty())
      continue;
    out += (first ? "" : separator) + choice;
    first = false;
  }
  return out;
}

} // namespace

std::string option_set::suggest(const std::string& key) const {
  std::string best;
  size_t best_distance = std::max<size_t>(3, key.size() / 4) + 1;
  for (const auto& spec : specs_) {
    size_t d = edit_distance(key, spec.key);
    if (d < best_distance) {
      best_distance = d;
      best = spec.key;
    }
  }
  return best;
}

std::string option_set::help_text() const {
  std::ostringstream out;
  std::string section = "\x01";
  for (const auto& spec : specs_) {
    auto current = section_of(spec.key);
    if (current != section) {
      section = current;
      out << "\n[" << (section.empty() ? "general" : section) << "]\n";
    }
    out << "  --" << spec.key << " <" << describe_type(spec) << ">";
    if (!spec.default_value.empty())
      out << "  (default: " << (spec.secret ? "***" : spec.default_value) << ")";
    out << "\n      " << spec.help << "\n      env: " << spec.env_name() << "\n";
  }
  return out.str();
}

std::string option_set::markdown() const {
  std::ostringstream out;
  out << "| option | type | default | environment | description |\n"
      << "|---|---|---|---|---|\n";
  for (const auto& spec : specs_) {
    std::string help = spec.help;
    std::replace(help.begin(), help.end(), '|', '/');
    out << "| `" << spec.key << "` | " << describe_type(spec, ", ") << " | "
        << (spec.default_value.empty()
              ? ""
              : "`" + (spec.secret ? std::string{"***"} : spec.default_value)
                  + "`")
        << " | `" << spec.env_name() << "` | " << help
        << (spec.secret ? " Secret: environment or config file only." : "")
        << " |\n";
  }
  return out.str();
}

} // namespace ubaflow
