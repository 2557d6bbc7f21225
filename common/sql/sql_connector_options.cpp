// Flink's connector options (WITH (...) of CREATE TABLE) mapped onto
// ubaflow's settings, per connector: each known key is checked (type,
// choices, ${VAR} syntax) and becomes the ubaflow setting that does the
// same thing; keys whose behaviour ubaflow has anyway, or that only a JVM
// client needs, are accepted with a warning; anything else is an error,
// so a misspelt option never silently falls back to a default.
//
// The ubaflow keys are those of the job options (common/config/
// job_options.cpp) where one exists; per-table ones that the job options
// hold once for the whole job (an index name, a file path) are named in
// the same style: sink.es.index, file.path, file.format.

#include "common/sql/sql_bind_context.hpp"
#include "common/sql/sql_name_hints.hpp"
#include "common/sql/sql_option_values.hpp"

#include <algorithm>
#include <cstring>

namespace ubaflow {

namespace {

enum class value_kind : uint8_t {
  text,     ///< any non-empty string
  integer,  ///< non-negative integer
  boolean,
  duration, ///< '10min', mapped as written
  bytes,    ///< '2mb'
  choice,   ///< one of `choices` ("flink=ubaflow|..."), mapped to the right side
  fixed,    ///< one of `choices`; ubaflow always behaves so (not mapped)
  behaviour, ///< ubaflow behaves as `choices` says; another value: warning
  hosts,    ///< Elasticsearch hosts
  jdbc_url, ///< split into lookup.mysql.host/port/database
  character, ///< exactly one character
};

struct option_spec {
  const char* key;
  const char* ubaflow_key; ///< "" for fixed and behaviour
  value_kind kind;
  const char* choices = "";
  bool required = false;
  bool secret = false;
  const char* note = ""; ///< behaviour: what ubaflow does instead
};

constexpr option_spec kafka_options[] = {
  {"topic", "kafka.topic", value_kind::text, "", true},
  {"properties.bootstrap.servers", "kafka.bootstrap-servers", value_kind::text, "", true},
  {"properties.group.id", "kafka.group-id", value_kind::text},
  {"scan.startup.mode", "kafka.startup-mode", value_kind::choice,
   "earliest-offset=earliest|latest-offset=latest|group-offsets=group-offsets|"
   "timestamp=timestamp"},
  {"scan.startup.timestamp-millis", "kafka.startup-timestamp", value_kind::integer},
  {"scan.topic-partition-discovery.interval", "kafka.partition-discovery-interval",
   value_kind::duration},
  {"format", "source.format", value_kind::choice, "json=json|csv=csv", true},
  {"value.format", "source.format", value_kind::choice, "json=json|csv=csv"},
  {"json.ignore-parse-errors", "", value_kind::behaviour, "true", false, false,
   "ubaflow skips records it cannot parse and counts them (kafka.dead-letter-topic "
   "keeps them); it never fails the job on one"},
  {"json.fail-on-missing-field", "", value_kind::behaviour, "false", false, false,
   "ubaflow rejects and counts a record without a field it needs; it never fails "
   "the job on one"},
  {"csv.field-delimiter", "format.csv-delimiter", value_kind::character},
  {"csv.ignore-parse-errors", "", value_kind::behaviour, "true", false, false,
   "ubaflow skips records it cannot parse and counts them (kafka.dead-letter-topic "
   "keeps them); it never fails the job on one"},
  {"properties.sasl.password", "kafka.sasl-password", value_kind::text, "", false, true},
  {"properties.ssl.key.password", "kafka.ssl-key-password", value_kind::text, "", false,
   true},
};

constexpr option_spec elasticsearch_options[] = {
  {"hosts", "sink.es.hosts", value_kind::hosts, "", true},
  {"index", "sink.es.index", value_kind::text, "", true},
  {"username", "sink.es.username", value_kind::text},
  {"password", "sink.es.password", value_kind::text, "", false, true},
  {"format", "", value_kind::fixed, "json"},
  {"sink.bulk-flush.max-actions", "sink.es.bulk-max-actions", value_kind::integer},
  {"sink.bulk-flush.max-size", "sink.es.bulk-max-size", value_kind::bytes},
  {"sink.bulk-flush.interval", "sink.es.bulk-interval", value_kind::duration},
  {"sink.bulk-flush.backoff.delay", "sink.es.backoff-initial", value_kind::duration},
  {"connection.timeout", "sink.es.connect-timeout", value_kind::duration},
  {"connection.request-timeout", "sink.es.request-timeout", value_kind::duration},
  {"socket.timeout", "sink.es.request-timeout", value_kind::duration},
  {"sink.flush-on-checkpoint", "", value_kind::behaviour, "true", false, false,
   "ubaflow always flushes its bulk requests before a checkpoint completes"},
};

constexpr option_spec jdbc_options[] = {
  {"url", "", value_kind::jdbc_url, "", true},
  {"table-name", "lookup.mysql.table", value_kind::text, "", true},
  {"username", "lookup.mysql.user", value_kind::text},
  {"password", "lookup.mysql.password", value_kind::text, "", false, true},
  {"lookup.cache.max-rows", "lookup.cache-max-rows", value_kind::integer},
  {"lookup.cache.ttl", "lookup.cache-ttl", value_kind::duration},
  {"lookup.cache.caching-missing-key", "lookup.cache-missing", value_kind::boolean},
  {"lookup.partial-cache.max-rows", "lookup.cache-max-rows", value_kind::integer},
  {"lookup.partial-cache.expire-after-write", "lookup.cache-ttl", value_kind::duration},
  {"lookup.partial-cache.caching-missing-key", "lookup.cache-missing",
   value_kind::boolean},
  {"lookup.cache", "", value_kind::behaviour, "PARTIAL", false, false,
   "ubaflow's lookup always keeps a partial cache (lookup.cache.max-rows)"},
};

constexpr option_spec filesystem_options[] = {
  {"path", "file.path", value_kind::text, "", true},
  {"format", "file.format", value_kind::choice, "json=json|csv=csv", true},
  {"csv.field-delimiter", "format.csv-delimiter", value_kind::character},
  {"json.ignore-parse-errors", "", value_kind::behaviour, "true", false, false,
   "ubaflow skips lines it cannot parse and counts them"},
  {"csv.ignore-parse-errors", "", value_kind::behaviour, "true", false, false,
   "ubaflow skips lines it cannot parse and counts them"},
};

/// Keys accepted with a warning: what a JVM client needs and ubaflow's
/// clients do not, per connector ("" for all).
struct ignored_option {
  const char* connector;
  const char* key; ///< a trailing '*' matches any rest
  const char* reason;
};

constexpr ignored_option ignored_options[] = {
  {"kafka", "properties.zookeeper.connect",
   "Kafka clients have not needed ZooKeeper since Kafka 0.9"},
  {"jdbc", "driver", "ubaflow talks to MySQL/MariaDB with its own client"},
  {"jdbc", "lookup.max-retries",
   "ubaflow retries lookups with back-off (lookup.retry-initial, lookup.retry-max)"},
  {"elasticsearch-7", "sink.bulk-flush.backoff.strategy",
   "ubaflow retries bulk requests with exponential back-off"},
  {"elasticsearch-7", "sink.bulk-flush.backoff.max-retries",
   "ubaflow retries bulk requests until they succeed"},
  {"filesystem", "sink.rolling-policy.*", "ubaflow writes one NDJSON file per result"},
  {"", "sink.parallelism", "ubaflow sets parallelism for the whole job"},
  {"", "scan.parallelism", "ubaflow sets parallelism for the whole job"},
  {"", "connector.*", "a legacy (Flink 1.10) option; write the current keys"},
  {"", "format.*", "a legacy (Flink 1.10) option; write the current keys"},
  {"", "update-mode", "a legacy (Flink 1.10) option; write the current keys"},
};

struct connector_entry {
  const char* name;
  connector_kind kind;
  const option_spec* begin;
  const option_spec* end;
};

const connector_entry connectors[] = {
  {"kafka", connector_kind::kafka, std::begin(kafka_options), std::end(kafka_options)},
  {"elasticsearch-7", connector_kind::elasticsearch7, std::begin(elasticsearch_options),
   std::end(elasticsearch_options)},
  {"jdbc", connector_kind::jdbc, std::begin(jdbc_options), std::end(jdbc_options)},
  {"filesystem", connector_kind::filesystem, std::begin(filesystem_options),
   std::end(filesystem_options)},
};

bool key_matches(const char* pattern, const std::string& key) {
  const size_t n = std::strlen(pattern);
  if (n > 0 && pattern[n - 1] == '*')
    return key.compare(0, n - 1, pattern, n - 1) == 0;
  return key == pattern;
}

/// Client properties that hold credentials (sasl.jaas.config,
/// ssl.keystore.password, ...): their values are never shown either.
bool looks_secret(const std::string& key) {
  for (const char* word : {"password", "jaas", "secret", "credential"})
    if (key.find(word) != std::string::npos)
      return true;
  return false;
}

const ignored_option* find_ignored(const char* connector, const std::string& key) {
  for (const auto& entry : ignored_options)
    if ((entry.connector[0] == '\0' || std::strcmp(entry.connector, connector) == 0)
        && key_matches(entry.key, key))
      return &entry;
  return nullptr;
}

/// "a|b=c" -> the right side for `value` (compared without case), or null.
std::optional<std::string> choice_for(const char* choices, const std::string& value) {
  std::string_view rest = choices;
  while (!rest.empty()) {
    const size_t bar = std::min(rest.find('|'), rest.size());
    const std::string_view entry = rest.substr(0, bar);
    const size_t equals = entry.find('=');
    const std::string_view flink = entry.substr(0, equals);
    if (ascii_upper(flink) == ascii_upper(value))
      return std::string{equals == std::string_view::npos ? flink : entry.substr(equals + 1)};
    rest = bar == rest.size() ? std::string_view{} : rest.substr(bar + 1);
  }
  return std::nullopt;
}

std::string choice_list(const char* choices) {
  std::vector<std::string> names;
  std::string_view rest = choices;
  while (!rest.empty()) {
    const size_t bar = std::min(rest.find('|'), rest.size());
    names.emplace_back(rest.substr(0, std::min(rest.find('='), bar)));
    rest = bar == rest.size() ? std::string_view{} : rest.substr(bar + 1);
  }
  for (auto& name : names)
    name = "'" + name + "'";
  return name_list(names, 16);
}

/// The value as a message may show it: never a secret's.
std::string shown(const option_spec& spec, const table_option& option) {
  if (spec.secret)
    return "(secret)";
  return "'" + option.value.substr(0, 60) + (option.value.size() > 60 ? "...'" : "'");
}

/// Checks `option` against `spec` and records what it maps to.
void bind_known_option(const option_spec& spec, const table_option& option,
                       const std::string& table_name, bound_table& table,
                       std::vector<sql_warning>& warnings) {
  const std::string& value = option.value;
  const std::string where = "option '" + option.key + "' of " + table_name;
  bound_option bound{option.key, spec.ubaflow_key, value, spec.secret,
                     has_env_reference(value), option.value_position};
  if (bound.has_env_reference) {
    // Checked again once expanded, at run time; here only the syntax.
    if (spec.kind == value_kind::jdbc_url)
      table.settings["lookup.mysql.url"] = value;
    else if (spec.ubaflow_key[0] != '\0')
      table.settings[spec.ubaflow_key] = value;
    table.options.push_back(std::move(bound));
    return;
  }
  const auto bad = [&](const std::string& expected) {
    bind_fail(option.value_position, where + ": " + shown(spec, option) + " is not "
                                       + expected);
  };
  std::string mapped = value;
  switch (spec.kind) {
    case value_kind::text:
      if (value.empty())
        bind_fail(option.value_position, where + " must not be empty");
      break;
    case value_kind::integer:
      if (!parse_option_integer(value))
        bad("a non-negative integer");
      break;
    case value_kind::boolean:
      if (!parse_option_boolean(value))
        bad("'true' or 'false'");
      mapped = *parse_option_boolean(value) ? "true" : "false";
      break;
    case value_kind::duration:
      if (!parse_option_duration_ms(value))
        bad("a duration such as '10min', '30 s' or '500ms'");
      break;
    case value_kind::bytes:
      if (!parse_option_bytes(value))
        bad("a size such as '2mb' or '512kb'");
      break;
    case value_kind::choice:
    case value_kind::fixed: {
      const auto choice = choice_for(spec.choices, value);
      if (!choice)
        bind_fail(option.value_position,
                  where + ": " + shown(spec, option) + " is not supported",
                  "ubaflow supports " + choice_list(spec.choices));
      mapped = *choice;
      break;
    }
    case value_kind::behaviour:
      if (!choice_for(spec.choices, value))
        warnings.push_back({option.value_position,
                            where + " = '" + value + "' is not followed: " + spec.note});
      break;
    case value_kind::hosts:
      if (auto error = es_hosts_error(value))
        bind_fail(option.value_position, where + ": " + *error,
                  "'http://localhost:9200', several separated by ';'");
      break;
    case value_kind::jdbc_url: {
      const auto url = parse_jdbc_url(value);
      if (!url)
        bind_fail(option.value_position,
                  where + ": " + shown(spec, option) + " is not a MySQL JDBC URL",
                  "'jdbc:mysql://host:3306/database'");
      table.settings["lookup.mysql.host"] = url->host;
      table.settings["lookup.mysql.port"] = url->port;
      table.settings["lookup.mysql.database"] = url->database;
      break;
    }
    case value_kind::character:
      if (value.size() != 1)
        bad("one character");
      break;
  }
  if (spec.secret)
    warnings.push_back({option.value_position,
                        where + " is written in the script; hint: read it from the "
                                "environment: '${MY_PASSWORD}'"});
  if (spec.ubaflow_key[0] != '\0')
    table.settings[spec.ubaflow_key] = mapped;
  table.options.push_back(std::move(bound));
}

const connector_entry& find_connector(const create_table_statement& statement) {
  const auto found = std::find_if(statement.options.begin(), statement.options.end(),
                                  [](const table_option& o) { return o.key == "connector"; });
  std::vector<std::string> names;
  for (const auto& entry : connectors)
    names.emplace_back(entry.name);
  if (found == statement.options.end())
    bind_fail(statement.name.position,
              "table " + statement.name.text + " has no 'connector' option",
              "WITH ('connector' = 'kafka', ...); connectors: " + name_list(names));
  for (const auto& entry : connectors)
    if (found->value == entry.name)
      return entry;
  bind_fail(found->value_position,
            "connector '" + found->value.substr(0, 60) + "' is not supported"
              + did_you_mean(found->value, names),
            "connectors: " + name_list(names));
}

} // namespace

void bind_connector_options(const create_table_statement& statement,
                            bound_table& table, std::vector<sql_warning>& warnings) {
  const connector_entry& connector = find_connector(statement);
  table.connector = connector.kind;
  const std::string& name = statement.name.text;
  for (const auto& option : statement.options) {
    if (option.key == "connector")
      continue;
    const auto spec = std::find_if(connector.begin, connector.end,
                                   [&](const option_spec& s) { return option.key == s.key; });
    const bool secret = (spec != connector.end && spec->secret) || looks_secret(option.key);
    if (auto error = env_reference_error(option.value))
      bind_fail(option.value_position,
                "option '" + option.key + "' of " + name + ": "
                  + (secret ? std::string{"malformed ${...} reference"} : *error),
                "write ${NAME}, NAME of letters, digits and _");
    if (spec != connector.end) {
      bind_known_option(*spec, option, name, table, warnings);
      continue;
    }
    if (connector.kind == connector_kind::kafka
        && option.key.compare(0, 11, "properties.") == 0
        && !find_ignored(connector.name, option.key)) {
      // Any other client property goes to librdkafka as it is.
      std::string& passed = table.settings["kafka.properties"];
      passed += (passed.empty() ? "" : ";") + option.key.substr(11) + "=" + option.value;
      table.options.push_back({option.key, "kafka.properties", option.value, secret,
                               has_env_reference(option.value), option.value_position});
      continue;
    }
    if (const auto* ignored = find_ignored(connector.name, option.key)) {
      warnings.push_back({option.key_position, "option '" + option.key + "' of " + name
                                                 + " is ignored: " + ignored->reason});
      table.options.push_back({option.key, "", option.value, false,
                               has_env_reference(option.value), option.key_position});
      continue;
    }
    std::vector<std::string> keys;
    for (auto s = connector.begin; s != connector.end; ++s)
      keys.emplace_back(s->key);
    bind_fail(option.key_position,
              "unknown option '" + option.key.substr(0, 60) + "' for connector "
                + connector.name + did_you_mean(option.key, keys),
              std::string{connector.name} + " takes " + name_list(keys, 20));
  }
  const auto mode = table.settings.find("kafka.startup-mode");
  if (mode != table.settings.end() && mode->second == "timestamp"
      && !table.settings.count("kafka.startup-timestamp"))
    bind_fail(statement.name.position,
              "table " + name + ": 'scan.startup.mode' = 'timestamp' needs "
                                "'scan.startup.timestamp-millis'");
  for (auto s = connector.begin; s != connector.end; ++s) {
    if (!s->required)
      continue;
    const bool present = std::any_of(
      statement.options.begin(), statement.options.end(), [&](const table_option& o) {
        return o.key == s->key
               || (std::strcmp(s->key, "format") == 0 && o.key == "value.format");
      });
    if (!present)
      bind_fail(statement.name.position, "table " + name + ": connector "
                                           + connector.name + " needs option '"
                                           + s->key + "'");
  }
}

const char* to_string(connector_kind kind) {
  for (const auto& entry : connectors)
    if (entry.kind == kind)
      return entry.name;
  return "?";
}

bool can_scan(const bound_table& table) {
  return table.connector == connector_kind::kafka
         || table.connector == connector_kind::filesystem;
}

bool can_lookup(const bound_table& table) {
  if (table.connector == connector_kind::jdbc)
    return true;
  const auto format = table.settings.find("file.format");
  return table.connector == connector_kind::filesystem
         && format != table.settings.end() && format->second == "csv";
}

bool can_write(const bound_table& table) {
  return table.connector == connector_kind::elasticsearch7
         || table.connector == connector_kind::filesystem;
}

} // namespace ubaflow
