#include "common/config/job_options.hpp"
#include "common/config/settings.hpp"

#include "tests/unit/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace ubaflow;

namespace {

option_spec spec(std::string key, option_type type, std::string def) {
  option_spec s;
  s.key = std::move(key);
  s.type = type;
  s.default_value = std::move(def);
  s.help = "Help.";
  return s;
}

option_spec bounded(option_spec s, int64_t min, int64_t max) {
  s.min = min;
  s.max = max;
  return s;
}

const option_set& options() {
  static const option_set declared = [] {
    option_set o{"test"};
    o.add(spec("job.name", option_type::string, "ubaflow"));
    o.add(bounded(spec("job.parallelism", option_type::integer, "2"), 1, 1024));
    o.add(bounded(spec("job.ratio", option_type::number, "0.5"), 0, 1));
    o.add(spec("job.verbose", option_type::boolean, "false"));
    o.add(bounded(spec("job.delay", option_type::duration, "5s"), 0, 3'600'000));
    o.add(bounded(spec("job.size", option_type::bytes, "2mb"), 1024, 1LL << 31));
    auto mode = spec("job.mode", option_type::choice, "fast");
    mode.choices = {"fast", "safe"};
    o.add(mode);
    o.add(spec("source.files", option_type::list, ""));
    o.add(spec("kafka.properties", option_type::kv_list, ""));
    auto secret = spec("kafka.password", option_type::string, "");
    secret.secret = true;
    o.add(secret);
    o.add(spec("kafka.topic", option_type::string, "user_behavior"));
    return o;
  }();
  return declared;
}

struct fake_env {
  std::map<std::string, std::string> vars;
  env_lookup lookup() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end())
        return std::nullopt;
      return it->second;
    };
  }
};

resolve_result resolve(std::vector<std::string> args, const fake_env& env = {}) {
  return resolve_settings(options(), args, env.lookup());
}

settings ok(std::vector<std::string> args, const fake_env& env = {}) {
  auto r = resolve(std::move(args), env);
  REQUIRE_MESSAGE(r.values, r.error);
  CHECK(r.error.empty());
  CHECK_FALSE(r.help);
  return *r.values;
}

std::string error_of(std::vector<std::string> args, const fake_env& env = {}) {
  auto r = resolve(std::move(args), env);
  CHECK_FALSE(r.values);
  return r.error;
}

} // namespace

TEST_SUITE("settings") {
  TEST_CASE("durations") {
    CHECK(parse_duration_ms("5s") == 5'000);
    CHECK(parse_duration_ms("200ms") == 200);
    CHECK(parse_duration_ms("1.5s") == 1'500);
    CHECK(parse_duration_ms("10min") == 600'000);
    CHECK(parse_duration_ms("2m") == 120'000);
    CHECK(parse_duration_ms("1h") == 3'600'000);
    CHECK(parse_duration_ms("1d") == 86'400'000);
    CHECK(parse_duration_ms("3sec") == 3'000);
    CHECK(parse_duration_ms(" 5 S ") == 5'000);
    CHECK(parse_duration_ms("0") == 0);
    CHECK(parse_duration_ms("0.0") == 0);
    CHECK(parse_duration_ms("0s") == 0);
    // Values beyond 64-bit milliseconds are rejected, not wrapped around
    // into negative durations.
    CHECK(parse_duration_ms("106751991167d") == 106'751'991'167LL * 86'400'000);
    for (const char* bad : {"", "s", "5", "-1s", "5 seconds", "1e3ms", "1.2.3s", "5x",
                            "ms5", "five s", "+5s", "99999999999999999999d",
                            "9223372036854775808ms", "106751991168d"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_duration_ms(bad));
    }
  }

  TEST_CASE("sizes in bytes") {
    CHECK(parse_bytes("1048576") == 1'048'576);
    CHECK(parse_bytes("2mb") == 2 * 1024 * 1024);
    CHECK(parse_bytes("512kb") == 512 * 1024);
    CHECK(parse_bytes("512KiB") == 512 * 1024);
    CHECK(parse_bytes("1.5k") == 1'536);
    CHECK(parse_bytes("1g") == 1LL << 30);
    CHECK(parse_bytes("2GB") == 2LL << 30);
    CHECK(parse_bytes("10b") == 10);
    CHECK(parse_bytes("0") == 0);
    for (const char* bad : {"", "mb", "1tb", "-1", "1 megabyte", "0x10",
                            "99999999999999999999gb", "9223372036854775808"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_bytes(bad));
    }
  }

  TEST_CASE("an unbounded duration option cannot be given a wrapped-around value") {
    CHECK(error_of({"--job.name=x", "--kafka.topic=y", "--job.delay=1d"})
          == "--job.delay: '1d' is out of range for this duration in milliseconds "
             "(minimum 0) (maximum 3600000)");
    option_set o{"unbounded"};
    o.add(spec("x.lateness", option_type::duration, "0"));
    CHECK(validate_value(*o.find("x.lateness"), "99999999999999999999d")
          == std::string{"'99999999999999999999d' is not a duration; use a number with a "
                         "unit (ms, s, min, h, d), e.g. 5s or 200ms"});
  }

  TEST_CASE("booleans, integers and numbers") {
    for (const char* yes : {"true", "TRUE", "yes", " Yes ", "on", "1"})
      CHECK(parse_bool(yes) == true);
    for (const char* no : {"false", "False", "no", "off", "0"})
      CHECK(parse_bool(no) == false);
    for (const char* bad : {"", "2", "y", "n", "enabled", "truee"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_bool(bad));
    }
    CHECK(parse_int("42") == 42);
    CHECK(parse_int(" -7 ") == -7);
    CHECK(parse_int("9223372036854775807") == std::numeric_limits<int64_t>::max());
    for (const char* bad : {"", " ", "1.0", "1e3", "12a", "9223372036854775808", "0x10"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_int(bad));
    }
    CHECK(parse_number("1.5") == 1.5);
    CHECK(parse_number(" -2 ") == -2.0);
    CHECK(parse_number("1e3") == 1000.0);
    for (const char* bad : {"", "abc", "1.5x", "nan", "NaN"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_number(bad));
    }
  }

  TEST_CASE("validate_value explains what is wrong") {
    const auto& o = options();
    CHECK_FALSE(validate_value(*o.find("job.parallelism"), "1024"));
    CHECK(validate_value(*o.find("job.parallelism"), "0")
          == std::string{"'0' is out of range for this integer (minimum 1) (maximum 1024)"});
    CHECK(validate_value(*o.find("job.parallelism"), "x")
          == std::string{"'x' is not an integer"});
    CHECK(validate_value(*o.find("job.ratio"), "1.5")
          == std::string{"'1.5' is out of range [0, 1]"});
    CHECK(validate_value(*o.find("job.ratio"), "half")
          == std::string{"'half' is not a number"});
    CHECK_FALSE(validate_value(*o.find("job.ratio"), "1"));
    CHECK(validate_value(*o.find("job.verbose"), "maybe")
          == std::string{"'maybe' is not a boolean (use true or false)"});
    CHECK(validate_value(*o.find("job.delay"), "5")
          == std::string{"'5' is not a duration; use a number with a unit (ms, s, min, h, d), "
                         "e.g. 5s or 200ms"});
    CHECK(validate_value(*o.find("job.delay"), "2h")
          == std::string{"'2h' is out of range for this duration in milliseconds "
                         "(minimum 0) (maximum 3600000)"});
    CHECK_FALSE(validate_value(*o.find("job.delay"), "1h"));
    CHECK(validate_value(*o.find("job.size"), "1kb") == std::nullopt);
    CHECK(validate_value(*o.find("job.size"), "1023")
          == std::string{"'1023' is out of range for this size in bytes (minimum 1024) "
                         "(maximum 2147483648)"});
    CHECK(validate_value(*o.find("job.size"), "lots")
          == std::string{"'lots' is not a size; use e.g. 2mb, 512kb or 1048576"});
    CHECK(validate_value(*o.find("job.mode"), "slow")
          == std::string{"'slow' is not one of: fast, safe"});
    CHECK_FALSE(validate_value(*o.find("job.mode"), "safe"));
    CHECK_FALSE(validate_value(*o.find("kafka.properties"), "a=1; b = 2 ;;c="));
    CHECK(validate_value(*o.find("kafka.properties"), "a=1;b")
          == std::string{"'b' is not a key=value pair"});
    CHECK(validate_value(*o.find("kafka.properties"), "=1")
          == std::string{"'=1' is not a key=value pair"});
    CHECK_FALSE(validate_value(*o.find("source.files"), "anything, at all"));
    CHECK_FALSE(validate_value(*o.find("job.name"), ""));
  }

  TEST_CASE("defaults and typed getters") {
    auto s = ok({});
    CHECK(s.get_string("job.name") == "ubaflow");
    CHECK(s.get_int("job.parallelism") == 2);
    CHECK(s.get_number("job.ratio") == 0.5);
    CHECK(s.get_bool("job.verbose") == false);
    CHECK(s.get_duration_ms("job.delay") == 5'000);
    CHECK(s.get_bytes("job.size") == 2 * 1024 * 1024);
    CHECK(s.get_string("job.mode") == "fast");
    CHECK(s.get_list("source.files").empty());
    CHECK(s.get_kv_list("kafka.properties").empty());
    CHECK(s.origin_of("job.name") == value_origin::default_value);
    CHECK_THROWS_AS(s.get_string("no.such"), std::logic_error);
    CHECK_THROWS_AS(s.origin_of("no.such"), std::logic_error);
    CHECK(&s.options() == &options());
  }

  TEST_CASE("lists and key=value lists are split and trimmed") {
    auto s = ok({"--source.files= a.json , ,b.csv,", "--kafka.properties",
                 "security.protocol = SASL_SSL; sasl.mechanisms=PLAIN;;x=a=b"});
    CHECK(s.get_list("source.files") == std::vector<std::string>{"a.json", "b.csv"});
    CHECK(s.get_kv_list("kafka.properties")
          == std::vector<std::pair<std::string, std::string>>{
               {"security.protocol", "SASL_SSL"}, {"sasl.mechanisms", "PLAIN"}, {"x", "a=b"}});
  }

  TEST_CASE("repeated command-line lists append; other sources replace") {
    fake_env env;
    env.vars["UBAFLOW_SOURCE_FILES"] = "env.json";
    auto s = ok({"--source.files", "a", "--source.files=b", "--kafka.properties=x=1",
                 "--kafka.properties=y=2", "--job.name=one", "--job.name=two"},
                env);
    CHECK(s.get_list("source.files") == std::vector<std::string>{"a", "b"});
    CHECK(s.get_kv_list("kafka.properties")
          == std::vector<std::pair<std::string, std::string>>{{"x", "1"}, {"y", "2"}});
    CHECK(s.get_string("job.name") == "two");
    CHECK(s.origin_of("source.files") == value_origin::command_line);
    // Without CLI values the environment's list stands.
    CHECK(ok({}, env).get_list("source.files") == std::vector<std::string>{"env.json"});
  }

  TEST_CASE("--key=value, --key value, bare booleans and positionals") {
    auto s = ok({"input.json", "--job.name=a=b", "--job.parallelism", "8", "--job.verbose",
                 "--job.mode", "safe", "more"});
    CHECK(s.get_string("job.name") == "a=b");
    CHECK(s.get_int("job.parallelism") == 8);
    CHECK(s.get_bool("job.verbose"));
    CHECK(s.get_string("job.mode") == "safe");
    auto r = resolve({"input.json", "--job.verbose", "more"});
    CHECK(r.positional == std::vector<std::string>{"input.json", "more"});

    CHECK(ok({"--job.verbose"}).get_bool("job.verbose"));
    CHECK_FALSE(ok({"--job.verbose", "false"}).get_bool("job.verbose"));
    CHECK_FALSE(ok({"--job.verbose", "off"}).get_bool("job.verbose"));
    CHECK_FALSE(ok({"--job.verbose=no"}).get_bool("job.verbose"));
    CHECK(ok({"--job.verbose", "--job.name", "x"}).get_bool("job.verbose"));
    CHECK(ok({"--job.name="}).get_string("job.name").empty());
    CHECK(ok({"--job.name", "--weird"}).get_string("job.name") == "--weird");
  }

  TEST_CASE("precedence: default < config file < environment < command line") {
    test::temp_dir dir;
    const auto config = dir.write("ubaflow.toml",
                                  "[job]\nname = \"from-file\"\nparallelism = 3\n"
                                  "delay = 7s\nmode = safe\n");
    fake_env env;
    env.vars["UBAFLOW_JOB_NAME"] = "from-env";
    env.vars["UBAFLOW_JOB_PARALLELISM"] = "4";
    auto s = ok({"--config", config, "--job.name", "from-cli"}, env);
    CHECK(s.get_string("job.name") == "from-cli");
    CHECK(s.origin_of("job.name") == value_origin::command_line);
    CHECK(s.get_int("job.parallelism") == 4);
    CHECK(s.origin_of("job.parallelism") == value_origin::environment);
    CHECK(s.get_duration_ms("job.delay") == 7'000);
    CHECK(s.origin_of("job.delay") == value_origin::config_file);
    CHECK(s.get_string("job.mode") == "safe");
    CHECK(s.get_bytes("job.size") == 2 * 1024 * 1024);
    CHECK(s.origin_of("job.size") == value_origin::default_value);

    // The config file can also come from UBAFLOW_CONFIG; --config wins over it.
    fake_env with_config;
    with_config.vars["UBAFLOW_CONFIG"] = config;
    CHECK(ok({}, with_config).get_int("job.parallelism") == 3);
    const auto other = dir.write("other.toml", "job.parallelism = 9\n");
    CHECK(ok({"--config=" + other}, with_config).get_int("job.parallelism") == 9);
  }

  TEST_CASE("origin names") {
    CHECK(std::string{to_string(value_origin::default_value)} == "default");
    CHECK(std::string{to_string(value_origin::config_file)} == "config file");
    CHECK(std::string{to_string(value_origin::environment)} == "environment");
    CHECK(std::string{to_string(value_origin::command_line)} == "command line");
  }

  TEST_CASE("config files: sections, comments, quotes and arrays") {
    test::temp_dir dir;
    const auto config = dir.write("c.toml",
                                  "# a comment\n"
                                  "; another comment\n"
                                  "\n"
                                  "job.name = top level dotted\n"
                                  "[ source ]\n"
                                  "files = [\"a.json\", 'b.csv' , c.json]\n"
                                  "[kafka]\n"
                                  "  topic='quoted value'  \r\n"
                                  "properties = \"a=1;b=2\"\n"
                                  "password = s3cret\n"
                                  "[job]\n"
                                  "verbose = yes\n"
                                  "mode=\"safe\"\n");
    auto s = ok({"--config", config});
    CHECK(s.get_string("job.name") == "top level dotted");
    CHECK(s.get_list("source.files") == std::vector<std::string>{"a.json", "b.csv", "c.json"});
    CHECK(s.get_string("kafka.topic") == "quoted value");
    CHECK(s.get_kv_list("kafka.properties")
          == std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "2"}});
    CHECK(s.get_string("kafka.password") == "s3cret"); // secrets are fine in files
    CHECK(s.get_bool("job.verbose"));
    CHECK(s.get_string("job.mode") == "safe");
  }

  TEST_CASE("config file errors name the file and line") {
    test::temp_dir dir;
    auto check = [&](const std::string& content, const std::string& expected_suffix) {
      const auto path = dir.write("bad.toml", content);
      CHECK(error_of({"--config", path}) == path + expected_suffix);
    };
    check("[job\nname = x\n", ":1: malformed section header '[job'");
    check("# ok\njob.name x\n", ":2: expected 'key = value', got 'job.name x'");
    check("[job]\nname = x\nparalelism = 3\n",
          ":3: unknown option 'job.paralelism' (did you mean 'job.parallelism'?)");
    check("zzz.qqq = 1\n", ":1: unknown option 'zzz.qqq'");
    check("\n\n[job]\nparallelism = 0\n",
          ":4: --job.parallelism: '0' is out of range for this integer (minimum 1) "
          "(maximum 1024)");
    check("[kafka]\n[job]\ndelay = soon\n",
          ":3: --job.delay: 'soon' is not a duration; use a number with a unit (ms, s, min, "
          "h, d), e.g. 5s or 200ms");
    const auto missing = dir.file("missing.toml");
    CHECK(error_of({"--config", missing}) == "cannot read config file '" + missing + "'");
    fake_env env;
    env.vars["UBAFLOW_CONFIG"] = missing;
    CHECK(error_of({}, env) == "cannot read config file '" + missing + "'");
  }

  TEST_CASE("command-line errors") {
    CHECK(error_of({"--kafka.topc=x"})
          == "unknown option --kafka.topc (did you mean --kafka.topic?)");
    CHECK(error_of({"--job.paralelism", "3"})
          == "unknown option --job.paralelism (did you mean --job.parallelism?)");
    CHECK(error_of({"--nothing.like.this=1"}) == "unknown option --nothing.like.this");
    CHECK(error_of({"--kafka.topic"}) == "option --kafka.topic needs a value");
    CHECK(error_of({"--job.parallelism=0"})
          == "--job.parallelism: '0' is out of range for this integer (minimum 1) "
             "(maximum 1024)");
    CHECK(error_of({"--job.mode", "slow"}) == "--job.mode: 'slow' is not one of: fast, safe");
    CHECK(error_of({"--kafka.password=hunter2"})
          == "--kafka.password is a secret: pass it through the environment "
             "(UBAFLOW_KAFKA_PASSWORD) or a config file, not the command line");
    CHECK(error_of({"--kafka.password", "hunter2"}).find("is a secret") != std::string::npos);
  }

  TEST_CASE("environment errors name the variable; secrets are fine there") {
    fake_env env;
    env.vars["UBAFLOW_JOB_PARALLELISM"] = "many";
    CHECK(error_of({}, env) == "UBAFLOW_JOB_PARALLELISM: --job.parallelism: 'many' is not an integer");
    fake_env secret;
    secret.vars["UBAFLOW_KAFKA_PASSWORD"] = "hunter2";
    auto s = ok({}, secret);
    CHECK(s.get_string("kafka.password") == "hunter2");
    CHECK(s.origin_of("kafka.password") == value_origin::environment);
  }

  TEST_CASE("help requests") {
    auto r = resolve({"--job.name=x", "--help"});
    CHECK(r.help);
    CHECK(r.help_format == "text");
    CHECK_FALSE(r.values);
    r = resolve({"-h"});
    CHECK(r.help);
    r = resolve({"--help-markdown"});
    CHECK(r.help);
    CHECK(r.help_format == "markdown");
  }

  TEST_CASE("effective values mask secrets and give origins") {
    fake_env env;
    env.vars["UBAFLOW_KAFKA_PASSWORD"] = "hunter2";
    auto s = ok({"--job.name=x"}, env);
    std::map<std::string, std::pair<std::string, value_origin>> by_key;
    for (const auto& [key, value, origin] : s.effective())
      by_key[key] = {value, origin};
    CHECK(by_key.size() == options().specs().size());
    CHECK(by_key["kafka.password"]
          == std::pair<std::string, value_origin>{"******", value_origin::environment});
    CHECK(by_key["job.name"] == std::pair<std::string, value_origin>{"x", value_origin::command_line});
    CHECK(by_key["job.delay"]
          == std::pair<std::string, value_origin>{"5s", value_origin::default_value});
    // An empty secret is shown as empty, not masked.
    auto plain = ok({});
    for (const auto& [key, value, origin] : plain.effective())
      if (key == "kafka.password")
        CHECK(value.empty());
  }

  TEST_CASE("programmatic overrides are validated") {
    auto s = ok({});
    CHECK(s.set("job.parallelism", "16") == std::nullopt);
    CHECK(s.get_int("job.parallelism") == 16);
    CHECK(s.origin_of("job.parallelism") == value_origin::command_line);
    CHECK(s.set("job.parallelism", "0")
          == std::string{"--job.parallelism: '0' is out of range for this integer (minimum 1) "
                         "(maximum 1024)"});
    CHECK(s.get_int("job.parallelism") == 16);
    CHECK(s.set("nope", "1") == std::string{"unknown option --nope"});
    CHECK(s.set("job.name", "y", value_origin::config_file) == std::nullopt);
    CHECK(s.origin_of("job.name") == value_origin::config_file);
  }

  TEST_CASE("a bad default is a programming error") {
    option_set o{"broken"};
    o.add(bounded(spec("x.n", option_type::integer, "0"), 1, 2));
    settings s{&o};
    CHECK_THROWS_AS(s.load_defaults(), std::logic_error);
  }

TEST_CASE("displayed values mask secrets inside property lists") {
  auto r = resolve_settings(
    job_options(),
    {"--kafka.properties",
     "security.protocol=SASL_SSL;sasl.password=hunter2;sasl.jaas.config=x y"},
    fake_env{}.lookup());
  REQUIRE_MESSAGE(r.values, r.error);
  for (const auto& [key, value, origin] : r.values->displayed())
    if (key == "kafka.properties")
      CHECK(value == "security.protocol=SASL_SSL;sasl.password=******;"
                     "sasl.jaas.config=******");
  for (const auto& [key, value, origin] : r.values->effective())
    if (key == "kafka.properties") // workers still get the real values
      CHECK(value.find("hunter2") != std::string::npos);
}
}
