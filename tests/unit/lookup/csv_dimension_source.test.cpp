#include "worker/lookup/csv_dimension_source.hpp"

#include "common/sql/sql_binder.hpp"
#include "worker/lookup/csv_table_rows.hpp"

#include "tests/unit/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

std::map<int64_t, std::string> lookup_all(csv_dimension_source& source,
                                          std::vector<int64_t> ids) {
  std::vector<std::pair<int64_t, std::string>> found;
  std::string error;
  CHECK(source.lookup(ids, found, error));
  CHECK(error.empty());
  return {found.begin(), found.end()};
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  REQUIRE(split_csv_line(line, fields));
  return fields;
}

} // namespace

TEST_SUITE("csv_dimension_source") {
  TEST_CASE("split_csv_line follows RFC 4180 quoting within a line") {
    CHECK(split("a,b") == std::vector<std::string>{"a", "b"});
    CHECK(split("") == std::vector<std::string>{""});
    CHECK(split(",") == std::vector<std::string>{"", ""});
    CHECK(split("1,\"a, b\"") == std::vector<std::string>{"1", "a, b"});
    CHECK(split("1,\"say \"\"hi\"\"\"") == std::vector<std::string>{"1", "say \"hi\""});
    CHECK(split("1,\"\"") == std::vector<std::string>{"1", ""});
    CHECK(split("1,x\r") == std::vector<std::string>{"1", "x"});
    CHECK(split("1,\"line\rkept\"") == std::vector<std::string>{"1", "line\rkept"});
    CHECK(split(" 1 , b ") == std::vector<std::string>{" 1 ", " b "});
    std::vector<std::string> fields{"stale"};
    CHECK_FALSE(split_csv_line("1,\"unterminated", fields));
    CHECK_FALSE(split_csv_line("\"", fields));
  }

  TEST_CASE("a SQL dimension's file is split at its 'csv.field-delimiter'") {
    std::vector<std::string> fields;
    REQUIRE(split_csv_line("1;\"a;b\";c,d", fields, ';'));
    CHECK(fields == std::vector<std::string>{"1", "a;b", "c,d"});
    test::temp_dir dir;
    const auto path = dir.write("dim.csv", "id;name\n1;a,b\n2;\"c;d\"\n");
    auto bound = bind_sql(
      "CREATE TABLE src (id BIGINT, proctime AS PROCTIME()) WITH ("
      "'connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = "
      "'k:9092', 'format' = 'json');\n"
      "CREATE TABLE dim (id BIGINT, name STRING) WITH ('connector' = "
      "'filesystem', 'path' = '" + path + "', 'format' = 'csv', "
      "'csv.field-delimiter' = ';');\n"
      "CREATE TABLE s (n STRING) WITH ('connector' = 'elasticsearch-7', "
      "'hosts' = 'http://es:9200', 'index' = 's');\n"
      "INSERT INTO s SELECT d.name FROM src AS u JOIN dim FOR SYSTEM_TIME AS "
      "OF u.proctime AS d ON u.id = d.id;");
    REQUIRE_MESSAGE(bound.ok(), bound.error->to_string());
    std::vector<sql_row> rows;
    std::string error;
    REQUIRE_MESSAGE(read_csv_rows(path, bound.script.tables.at(1), rows, error), error);
    REQUIRE(rows.size() == 2); // the header is not a row
    CHECK(rows[0] == sql_row{sql_value::bigint(1), sql_value::string("a,b")});
    CHECK(rows[1] == sql_row{sql_value::bigint(2), sql_value::string("c;d")});
  }

  TEST_CASE("a file with a header, quotes, CRLF and blank lines") {
    test::temp_dir dir;
    const auto path = dir.write("category.csv",
                                "sub_category_id,parent_category_name\r\n"
                                "1,女装\r\n"
                                "\r\n"
                                "2,\"服饰, 鞋包\"\r\n"
                                "\n"
                                "3,\"the \"\"best\"\"\"\n"
                                "-4,负数\n"
                                " 5 ,空格\n"
                                "6,");
    std::string error;
    auto source = csv_dimension_source::load(path, error);
    REQUIRE_MESSAGE(source, error);
    CHECK(source->size() == 6);
    CHECK(source->describe() == "csv:" + path);
    CHECK(lookup_all(*source, {1, 2, 3, -4, 5, 6, 7})
          == std::map<int64_t, std::string>{{1, "女装"},
                                            {2, "服饰, 鞋包"},
                                            {3, "the \"best\""},
                                            {-4, "负数"},
                                            {5, "空格"},
                                            {6, ""}});
    CHECK(lookup_all(*source, {}).empty());
    CHECK(lookup_all(*source, {100, 200}).empty());
  }

  TEST_CASE("a file without a header; later duplicates win") {
    test::temp_dir dir;
    const auto path = dir.write("c.csv", "10,a\n11,b\n10,c\n");
    std::string error;
    auto source = csv_dimension_source::load(path, error);
    REQUIRE(source);
    CHECK(source->size() == 2);
    CHECK(lookup_all(*source, {10, 11}) == std::map<int64_t, std::string>{{10, "c"}, {11, "b"}});
  }

  TEST_CASE("an empty file is an empty table") {
    test::temp_dir dir;
    std::string error;
    auto source = csv_dimension_source::load(dir.write("empty.csv", ""), error);
    REQUIRE(source);
    CHECK(source->size() == 0);
  }

  TEST_CASE("bad lines are reported with their line numbers") {
    test::temp_dir dir;
    std::string error;
    auto path = dir.write("bad_id.csv", "sub_category_id,parent_category_name\n1,a\nx,b\n");
    CHECK_FALSE(csv_dimension_source::load(path, error));
    CHECK(error == path + ":3: 'x' is not an integer id");

    path = dir.write("columns.csv", "1,a\n2\n");
    CHECK_FALSE(csv_dimension_source::load(path, error));
    CHECK(error == path + ":2: expected 'sub_category_id,parent_category_name'");

    path = dir.write("three.csv", "\n\n1,a,b\n");
    CHECK_FALSE(csv_dimension_source::load(path, error));
    CHECK(error == path + ":3: expected 'sub_category_id,parent_category_name'");

    path = dir.write("quote.csv", "1,a\n2,\"open\n");
    CHECK_FALSE(csv_dimension_source::load(path, error));
    CHECK(error == path + ":2: expected 'sub_category_id,parent_category_name'");

    path = dir.write("overflow.csv", "1,a\n99999999999999999999,b\n");
    CHECK_FALSE(csv_dimension_source::load(path, error));
    CHECK(error == path + ":2: '99999999999999999999' is not an integer id");
  }

  TEST_CASE("a missing file is an error naming it") {
    test::temp_dir dir;
    std::string error;
    const auto path = dir.file("nope.csv");
    CHECK_FALSE(csv_dimension_source::load(path, error));
    CHECK(error == "cannot read category file '" + path + "'");
  }

  TEST_CASE("the shipped category table loads") {
    const std::string path = std::string{UBAFLOW_SOURCE_DIR} + "/data/category.csv";
    std::string error;
    auto source = csv_dimension_source::load(path, error);
    REQUIRE_MESSAGE(source, error);
    CHECK(source->size() > 0);
  }
}
