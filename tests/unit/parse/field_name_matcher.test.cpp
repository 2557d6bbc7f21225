#include "worker/parse/field_name_matcher.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ubaflow;

TEST_SUITE("parse.field_name_matcher") {
  TEST_CASE("every length a name can have: each word width and the middle past 16") {
    const std::vector<std::string> names{
      "",  "a",  "ab", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghijklmnop",
      "abcdefghijklmnopq", "user_id_of_the_customer_who_bought"};
    field_name_matcher m{names};
    for (size_t i = 0; i < names.size(); ++i)
      CHECK(m.find(names[i]) == static_cast<int>(i));
    // Keys that differ from a name in one byte only: first, last, middle.
    for (const auto& name : names) {
      for (size_t at = 0; at < name.size(); ++at) {
        std::string other = name;
        other[at] = '#';
        CHECK_MESSAGE(m.find(other) == -1, other);
      }
    }
    CHECK(m.find("abcde") == -1);
    CHECK(m.find("user_id_of_the_customer_who_bough") == -1);
  }

  TEST_CASE("the name after the last found is tried first, any order still found") {
    field_name_matcher m{{"user_id", "item_id", "ts"}};
    CHECK(m.find("ts") == 2);
    CHECK(m.find("user_id") == 0);
    CHECK(m.find("ts") == 2);
    CHECK(m.find("item_id") == 1);
    CHECK(m.find("behavior") == -1);
  }

  TEST_CASE("no names: nothing matches") {
    field_name_matcher m{{}};
    CHECK(m.find("") == -1);
    CHECK(m.find("x") == -1);
  }
}
