#include "common/config/job_options.hpp"

#include "common/config/settings.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

using namespace ubaflow;

TEST_SUITE("job_options") {
  TEST_CASE("every default validates against its own spec") {
    const auto& o = job_options();
    CHECK(o.command() == "run");
    REQUIRE(o.specs().size() > 40);
    for (const auto& spec : o.specs()) {
      CAPTURE(spec.key);
      if (!spec.default_value.empty())
        CHECK_FALSE(validate_value(spec, spec.default_value));
      if (spec.type == option_type::choice) {
        CHECK_FALSE(spec.choices.empty());
        CHECK(std::find(spec.choices.begin(), spec.choices.end(), spec.default_value)
              != spec.choices.end());
      }
      CHECK(spec.min <= spec.max);
    }
    settings s{&o};
    CHECK_NOTHROW(s.load_defaults());
  }

  TEST_CASE("keys are 'section.name' in lower case, unique, with unique env names and help") {
    std::set<std::string> keys;
    std::set<std::string> envs;
    for (const auto& spec : job_options().specs()) {
      CAPTURE(spec.key);
      CHECK(keys.insert(spec.key).second);
      CHECK(envs.insert(spec.env_name()).second);
      CHECK(spec.key.find('.') != std::string::npos);
      CHECK(std::none_of(spec.key.begin(), spec.key.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c)) || std::isspace(static_cast<unsigned char>(c));
      }));
      CHECK_FALSE(spec.help.empty());
      CHECK(spec.help.back() == '.');
    }
  }

  TEST_CASE("secrets have no default and are named as such") {
    std::set<std::string> secrets;
    for (const auto& spec : job_options().specs())
      if (spec.secret) {
        CHECK(spec.default_value.empty());
        secrets.insert(spec.key);
      }
    CHECK(secrets == std::set<std::string>{"kafka.sasl-password", "kafka.ssl-key-password",
                                           "lookup.mysql.password", "sink.es.password"});
  }

  TEST_CASE("the documented defaults") {
    auto r = resolve_settings(job_options(), {},
                              [](const std::string&) { return std::optional<std::string>{}; });
    REQUIRE_MESSAGE(r.values, r.error);
    const auto& v = *r.values;
    CHECK(v.get_string("job.time-zone") == "Asia/Shanghai");
    CHECK(v.get_int("job.key-groups") == 128);
    CHECK(v.get_duration_ms("event-time.watermark-delay") == 5'000);
    CHECK(v.get_duration_ms("event-time.idle-timeout") == 30'000);
    CHECK(v.get_duration_ms("event-time.allowed-lateness") == 0);
    CHECK(v.get_int("lookup.cache-max-rows") == 5'000);
    CHECK(v.get_duration_ms("lookup.cache-ttl") == 600'000);
    CHECK(v.get_bool("lookup.cache-missing"));
    CHECK(v.get_bytes("sink.es.bulk-max-size") == 2 * 1024 * 1024);
    CHECK(v.get_list("job.results")
          == std::vector<std::string>{"buy_cnt_per_hour", "cumulative_uv",
                                      "cumulative_uv_daily", "top_category"});
    CHECK_FALSE(v.get_bool("event-time.z-as-local"));
  }
}
