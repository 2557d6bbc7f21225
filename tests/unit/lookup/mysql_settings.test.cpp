#include "worker/lookup/mysql_dimension_source.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;

TEST_SUITE("mysql_settings") {
  TEST_CASE("the defaults are valid") {
    mysql_settings s;
    CHECK_FALSE(s.validate());
    CHECK(mysql_dimension_source{s}.describe()
          == "mysql://root@127.0.0.1:3306/flink.category");
  }

  TEST_CASE("identifiers must be plain SQL identifiers") {
    for (const char* bad : {"", "a-b", "a b", "a;drop table x", "`x`", "x.y",
                            "名字", "a'b"}) {
      CAPTURE(bad);
      for (int which = 0; which < 2; ++which) {
        mysql_settings s;
        std::string* field = which == 0 ? &s.database : &s.table;
        *field = bad;
        auto error = s.validate();
        REQUIRE(error);
        CHECK(*error == "'" + std::string{bad}
                          + "' is not a plain SQL identifier (letters, digits, _)");
      }
    }
    mysql_settings s;
    s.table = std::string(64, 'a');
    CHECK_FALSE(s.validate());
    s.table = std::string(65, 'a');
    CHECK(s.validate());
    s.table = "Category_2017";
    CHECK_FALSE(s.validate());
  }

  TEST_CASE("single quotes cannot go into SOCI's connection string") {
    const std::string expected
      = "MySQL user, host and password must not contain a single quote "
        "(SOCI's connection string cannot escape it)";
    mysql_settings s;
    s.password = "it's";
    CHECK(s.validate() == expected);
    s = {};
    s.user = "o'brien";
    CHECK(s.validate() == expected);
    s = {};
    s.host = "db'host";
    CHECK(s.validate() == expected);
    s = {};
    s.password = "p@ss w\"rd;\\%";
    CHECK_FALSE(s.validate());
  }

  TEST_CASE("the port must be in range") {
    mysql_settings s;
    s.port = 0;
    CHECK(s.validate() == std::string{"MySQL port 0 is out of range"});
    s.port = 65536;
    CHECK(s.validate() == std::string{"MySQL port 65536 is out of range"});
    s.port = -1;
    CHECK(s.validate());
    s.port = 1;
    CHECK_FALSE(s.validate());
    s.port = 65535;
    CHECK_FALSE(s.validate());
  }
}
