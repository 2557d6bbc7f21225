// `ubaflow results`: the result tables of a job, for a terminal.

#include "tools/cli_support.hpp"
#include "tools/commands.hpp"
#include "tools/verify/result_reader.hpp"
#include "worker/job_config_loader.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace ubaflow {

namespace {

option_set make_options() {
  option_set o{"results"};
  using t = option_type;
  o.add("results.from", t::string, "ndjson:ubaflow-output",
        "ndjson:DIR or es:http[s]://HOST:PORT");
  o.add("results.top", t::integer, "25", "Categories to show.");
  o.add("sink.es.index-prefix", t::string, "", "Prefix of the index names.");
  o.add("sink.es.username", t::string, "", "Basic-auth user.");
  o.add_secret("sink.es.password", "Basic-auth password.");
  o.add("sink.es.password-file", t::string, "", "File with the password.");
  return o;
}

int64_t number(const boost::json::object& doc, const char* field) {
  const auto* v = doc.if_contains(field);
  return v && v->is_int64() ? v->as_int64() : 0;
}

std::string text(const boost::json::object& doc, const char* field) {
  const auto* v = doc.if_contains(field);
  return v && v->is_string() ? std::string{v->as_string()} : std::string{};
}

std::string bar(int64_t value, int64_t max, int width) {
  if (max <= 0)
    return {};
  const int n = static_cast<int>(value * width / max);
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "\u2588";
  return out;
}

void print_hourly(const result_set& r) {
  const auto& rows = r.of(result_kind::buy_cnt_per_hour);
  std::printf("\nbuy_cnt_per_hour — buys per hour (%zu windows)\n",
              rows.size());
  if (rows.empty())
    return;
  int64_t max = 0;
  int64_t total = 0;
  for (const auto& [id, doc] : rows) {
    max = std::max(max, number(doc, "buy_cnt"));
    total += number(doc, "buy_cnt");
  }
  std::printf("  %-19s  %10s\n", "event_time", "buy_cnt");
  for (const auto& [id, doc] : rows)
    std::printf(
        "  %-19s  %10s  %s\n", text(doc, "event_time").c_str(),
        with_commas(static_cast<uint64_t>(number(doc, "buy_cnt"))).c_str(),
        bar(number(doc, "buy_cnt"), max, 40).c_str());
  std::printf("  total %s buys, peak hour %s, average %s per hour\n",
              with_commas(static_cast<uint64_t>(total)).c_str(),
              with_commas(static_cast<uint64_t>(max)).c_str(),
              with_commas(static_cast<uint64_t>(
                              total / static_cast<int64_t>(rows.size())))
                  .c_str());
}

void print_uv(const result_set& r) {
  const auto& rows = r.of(result_kind::cumulative_uv);
  std::printf("\ncumulative_uv — distinct users per 10 minutes (%zu windows; "
              "one line per hour, columns = windows ending :10 … :00)\n",
              rows.size());
  std::string hour;
  std::string line;
  for (const auto& [id, doc] : rows) {
    const std::string end = text(doc, "time_str"); // window end
    // Group windows by the hour they start in.
    const std::string start = text(doc, "window_start").substr(0, 13);
    if (start != hour) {
      if (!line.empty())
        std::printf("%s\n", line.c_str());
      hour = start;
      line = "  " + start.substr(0, 10) + " " + start.substr(11, 2) + ":00 ";
    }
    char cell[16];
    std::snprintf(
        cell, sizeof cell, " %8s",
        with_commas(static_cast<uint64_t>(number(doc, "uv"))).c_str());
    line += cell;
    (void)end;
  }
  if (!line.empty())
    std::printf("%s\n", line.c_str());
}

void print_daily(const result_set& r) {
  const auto& rows = r.of(result_kind::cumulative_uv_daily);
  std::printf("\ncumulative_uv_daily — distinct users of the day so far (%zu "
              "steps; shown every 3 hours)\n",
              rows.size());
  for (const auto& [id, doc] : rows) {
    const std::string t = text(doc, "time_str");
    if (t.size() >= 16 && t.substr(14, 2) == "00"
        && std::stoi(t.substr(11, 2)) % 3 == 0)
      std::printf(
          "  %s  day %s  %10s\n", t.c_str(), text(doc, "date_str").c_str(),
          with_commas(static_cast<uint64_t>(number(doc, "uv"))).c_str());
  }
}

void print_categories(const result_set& r, size_t top) {
  std::vector<std::pair<int64_t, std::string>> ranked;
  int64_t total = 0;
  for (const auto& [id, doc] : r.of(result_kind::top_category)) {
    ranked.emplace_back(number(doc, "buy_cnt"), text(doc, "category_name"));
    total += number(doc, "buy_cnt");
  }
  std::sort(ranked.rbegin(), ranked.rend());
  std::printf("\ntop_category — buys per parent category (%zu categories)\n",
              ranked.size());
  const int64_t max = ranked.empty() ? 0 : ranked.front().first;
  for (size_t i = 0; i < ranked.size() && i < top; ++i)
    std::printf("  %2zu. %-24s %10s %5.1f%%  %s\n", i + 1,
                ranked[i].second.c_str(),
                with_commas(static_cast<uint64_t>(ranked[i].first)).c_str(),
                total ? 100.0 * static_cast<double>(ranked[i].first)
                            / static_cast<double>(total)
                      : 0.0,
                bar(ranked[i].first, max, 30).c_str());
}

} // namespace

int results_command(const std::vector<std::string>& args) {
  static const option_set options = make_options();
  int exit_code = 0;
  auto values = parse_command_line(
      options, args, "Prints the four result tables of a job.", exit_code);
  if (!values)
    return exit_code;
  std::string error;
  auto location
      = parse_result_location(values->get_string("results.from"), error);
  if (!location) {
    std::fprintf(stderr, "ubaflow results: error: --results.from: %s\n",
                 error.c_str());
    return 2;
  }
  const auto& prefix = values->get_string("sink.es.index-prefix");
  result_set results;
  bool ok = false;
  if (location->elasticsearch) {
    es_http_settings http;
    auto endpoint = parse_es_url(location->target, error);
    if (!endpoint) {
      std::fprintf(stderr, "ubaflow results: error: %s\n", error.c_str());
      return 2;
    }
    http.endpoints = {*endpoint};
    http.username = values->get_string("sink.es.username");
    http.password = values->get_string("sink.es.password");
    if (const auto& file = values->get_string("sink.es.password-file");
        !file.empty()) {
      auto pw = read_secret_file(file, error);
      if (!pw) {
        std::fprintf(stderr, "ubaflow results: error: %s\n", error.c_str());
        return 2;
      }
      http.password = *pw;
    }
    es_http_client client{http};
    ok = read_es_results(client, prefix, result_index_names(), results, error);
  } else {
    ok = read_ndjson_results(location->target, prefix, result_index_names(),
                             results, error);
  }
  if (!ok) {
    std::fprintf(stderr, "ubaflow results: error: %s\n", error.c_str());
    return 1;
  }
  print_hourly(results);
  print_uv(results);
  print_daily(results);
  print_categories(results,
                   static_cast<size_t>(values->get_int("results.top")));
  return 0;
}

} // namespace ubaflow
