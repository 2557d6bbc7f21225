#include "common/config/option_set.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using namespace ubaflow;

namespace {

option_spec spec(std::string key, option_type type, std::string def,
                 std::string help = "Help.") {
  option_spec s;
  s.key = std::move(key);
  s.type = type;
  s.default_value = std::move(def);
  s.help = std::move(help);
  return s;
}

option_set sample() {
  option_set o{"run"};
  o.add(spec("name", option_type::string, "ubaflow", "Top-level name."));
  o.add(spec("kafka.topic", option_type::string, "user_behavior", "Topic | to read."));
  o.add(spec("kafka.bootstrap-servers", option_type::string, "localhost:9092"));
  auto mode = spec("kafka.startup-mode", option_type::choice, "earliest");
  mode.choices = {"earliest", "latest"};
  o.add(mode);
  auto pw = spec("kafka.sasl-password", option_type::string, "hunter2");
  pw.secret = true;
  o.add(pw);
  o.add(spec("sink.es.bulk-max-size", option_type::bytes, "2mb"));
  return o;
}

} // namespace

TEST_SUITE("option_set") {
  TEST_CASE("environment variable names") {
    CHECK(spec("kafka.bootstrap-servers", option_type::string, "").env_name()
          == "UBAFLOW_KAFKA_BOOTSTRAP_SERVERS");
    CHECK(spec("job.name", option_type::string, "").env_name() == "UBAFLOW_JOB_NAME");
    CHECK(spec("lookup.mysql.password-file", option_type::string, "").env_name()
          == "UBAFLOW_LOOKUP_MYSQL_PASSWORD_FILE");
  }

  TEST_CASE("declaration, lookup and duplicates") {
    auto o = sample();
    CHECK(o.command() == "run");
    CHECK(o.specs().size() == 6);
    CHECK(o.specs()[1].key == "kafka.topic");
    REQUIRE(o.find("kafka.topic") != nullptr);
    CHECK(o.find("kafka.topic")->default_value == "user_behavior");
    CHECK(o.find("kafka") == nullptr);
    CHECK(o.find("kafka.topic ") == nullptr);
    CHECK_THROWS_AS(o.add(spec("kafka.topic", option_type::string, "")), std::logic_error);
  }

  TEST_CASE("suggestions for misspelt keys") {
    auto o = sample();
    CHECK(o.suggest("kafka.topc") == "kafka.topic");
    CHECK(o.suggest("kafka.topics") == "kafka.topic");
    CHECK(o.suggest("kafka.bootstrap-server") == "kafka.bootstrap-servers");
    CHECK(o.suggest("kafka.bootstrap_servers") == "kafka.bootstrap-servers");
    CHECK(o.suggest("kafka.startup-mod") == "kafka.startup-mode");
    CHECK(o.suggest("kafka.startup") == ""); // 5 edits away: too far
    CHECK(o.suggest("completely.different") == "");
    CHECK(o.suggest("x") == "");
  }

  TEST_CASE("type names") {
    CHECK(std::string{to_string(option_type::string)} == "string");
    CHECK(std::string{to_string(option_type::integer)} == "integer");
    CHECK(std::string{to_string(option_type::number)} == "number");
    CHECK(std::string{to_string(option_type::boolean)} == "boolean");
    CHECK(std::string{to_string(option_type::duration)} == "duration");
    CHECK(std::string{to_string(option_type::bytes)} == "bytes");
    CHECK(std::string{to_string(option_type::choice)} == "choice");
    CHECK(std::string{to_string(option_type::list)} == "list");
    CHECK(std::string{to_string(option_type::kv_list)} == "key=value list");
  }

  TEST_CASE("help text is grouped by section and masks secret defaults") {
    const auto text = sample().help_text();
    CHECK(text.find("\n[general]\n  --name <string>  (default: ubaflow)\n      Top-level name.\n"
                    "      env: UBAFLOW_NAME\n")
          != std::string::npos);
    CHECK(text.find("\n[kafka]\n  --kafka.topic <string>  (default: user_behavior)")
          != std::string::npos);
    CHECK(text.find("--kafka.startup-mode <one of earliest|latest>  (default: earliest)")
          != std::string::npos);
    CHECK(text.find("--kafka.sasl-password <string>  (default: ***)") != std::string::npos);
    CHECK(text.find("hunter2") == std::string::npos);
    CHECK(text.find("\n[sink]\n") != std::string::npos);
    // Each section header once.
    CHECK(text.find("[kafka]") == text.rfind("[kafka]"));
  }

  TEST_CASE("markdown table") {
    const auto md = sample().markdown();
    CHECK(md.rfind("| option | type | default | environment | description |\n|---|---|---|---|---|\n", 0)
          == 0);
    CHECK(md.find("| `kafka.topic` | string | `user_behavior` | `UBAFLOW_KAFKA_TOPIC` | "
                  "Topic / to read. |\n")
          != std::string::npos);
    CHECK(md.find("| `UBAFLOW_KAFKA_SASL_PASSWORD` | Help. Secret: environment or config "
                  "file only. |\n")
          != std::string::npos);
    // One row per option plus the two header lines.
    size_t lines = 0;
    for (char c : md)
      lines += c == '\n';
    CHECK(lines == 8);
  }
}
