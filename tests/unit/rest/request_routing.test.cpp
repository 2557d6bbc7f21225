#include "coordinator/rest/request_target.hpp"
#include "coordinator/rest/route_table.hpp"

#include <doctest/doctest.h>

using namespace ubaflow;

TEST_SUITE("rest.request_routing") {
  TEST_CASE("targets are split and decoded by Boost.URL") {
    std::string error;
    auto t = parse_request_target("/v1/jobs/a%2Fb/rescaling?parallelism=4&get=x,y&q=a+b%21&flag",
                                  error);
    REQUIRE_MESSAGE(t, error);
    CHECK(t->segments == std::vector<std::string>{"v1", "jobs", "a/b", "rescaling"});
    CHECK(t->query.at("parallelism") == "4");
    CHECK(t->query.at("get") == "x,y");
    CHECK(t->query.at("q") == "a b!");
    CHECK(t->query.at("flag").empty());
    auto root = parse_request_target("/", error);
    REQUIRE(root);
    CHECK(root->segments.empty());
    CHECK(root->path == "/");
    // Not an origin-form target, or a broken escape: refused, with why.
    for (const char* bad : {"jobs", "http://x/jobs", "/a%zz", "/a b", ""}) {
      CHECK_FALSE(parse_request_target(bad, error));
      CHECK(error.rfind("malformed request target", 0) == 0);
    }
  }

  TEST_CASE("routes match in order, bind parameters and tell 404 from 405") {
    struct context {
      std::string name;
    };
    route_table<context> routes;
    routes
      .add("GET", "/jobs/overview",
           [](const context&, const route_match&) {
             return http_reply{200, "text/plain", "overview"};
           })
      .add("GET", "/jobs/:jid",
           [](const context& c, const route_match& m) {
             return http_reply{200, "text/plain", c.name + ":" + m.param(":jid")};
           })
      .add("POST", "/jobs/:jid/savepoints",
           [](const context&, const route_match& m) {
             return http_reply{202, "text/plain", m.query->at("x")};
           });
    const context c{"ctx"};
    const std::map<std::string, std::string> query{{"x", "1"}};
    bool other_method = false;
    CHECK(routes.dispatch(c, "GET", {"jobs", "overview"}, query)->body == "overview");
    CHECK(routes.dispatch(c, "GET", {"jobs", "42"}, query)->body == "ctx:42");
    CHECK(routes.dispatch(c, "POST", {"jobs", "42", "savepoints"}, query)->body == "1");
    CHECK_FALSE(routes.dispatch(c, "GET", {"jobs", "42", "savepoints"}, query,
                                &other_method));
    CHECK(other_method);
    CHECK_FALSE(routes.dispatch(c, "GET", {"jobs", "42", "nothing"}, query,
                                &other_method));
    CHECK_FALSE(other_method);
    CHECK_FALSE(routes.dispatch(c, "GET", {}, query));
    CHECK(pattern_segments("/a//b/:c/") == std::vector<std::string>{"a", "b", ":c"});
  }
}
