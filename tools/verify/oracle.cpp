#include "tools/verify/oracle.hpp"
#include "worker/source/file_splits.hpp"

#include "tools/verify/oracle_partitions.hpp"
#include "worker/lookup/csv_dimension_source.hpp"
#include "worker/parse/csv_event_parser.hpp"
#include "worker/parse/json_event_parser.hpp"
#include "worker/state/result_format.hpp"

#include <fstream>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace ubaflow {

namespace {

struct partition_clock {
  event_time max_ts = min_event_time;
  event_time watermark() const {
    return max_ts == min_event_time ? min_event_time : max_ts - delay;
  }
  int64_t delay = 0;
};

bool load_categories(const job_config& config,
                     std::unordered_map<int64_t, std::string>& names,
                     std::string& error) {
  if (config.lookup == lookup_type::none)
    return true;
  std::ifstream in(config.lookup_csv_path);
  if (!in) {
    error = "the oracle reads category names from lookup.csv-path ('"
            + config.lookup_csv_path + "'), which cannot be read";
    return false;
  }
  std::string line;
  std::vector<std::string> fields;
  while (std::getline(in, line)) {
    if (!split_csv_line(line, fields) || fields.size() != 2)
      continue;
    int64_t id = 0;
    if (parse_decimal_id(fields[0], id))
      names[id] = fields[1];
  }
  return true;
}

} // namespace

bool compute_expected(const job_config& config, const oracle_settings& oracle,
                      const std::vector<std::string>& inputs,
                      expected_results& out, std::string& error) {
  std::unordered_map<int64_t, std::string> names;
  if (!load_categories(config, names, error))
    return false;
  const window_spec& w = config.windows;
  json_event_parser json{timestamp_parser{config.timestamps}};
  csv_event_parser csv{timestamp_parser{config.timestamps}};
  const auto partitions = oracle_partitions::make(config, oracle, inputs, error);
  if (!partitions)
    return false;
  std::vector<partition_clock> clocks(static_cast<size_t>(partitions->count()));
  for (auto& c : clocks)
    c.delay = config.watermark_delay_ms;

  std::map<event_time, std::unordered_set<int64_t>> uv_sets;
  // Day-to-date: the step in which each user first counts, per day.
  std::map<event_time, std::unordered_map<int64_t, event_time>> first_step;
  uint64_t index = 0;
  user_event e;
  for (size_t file_no = 0; file_no < inputs.size(); ++file_no) {
    std::ifstream in(inputs[file_no]);
    if (!in) {
      error = "cannot read input '" + inputs[file_no] + "'";
      return false;
    }
    const bool is_csv = config.format_of(inputs[file_no]) == record_format::csv;
    std::string line;
    bool first_line = true;
    int64_t next_offset = 0;
    while (std::getline(in, line)) {
      const int64_t line_offset = next_offset;
      next_offset += static_cast<int64_t>(line.size()) + 1;
      if (line.empty() || line == "\r")
        continue;
      if (is_csv && first_line && csv_event_parser::is_header(line)) {
        first_line = false;
        continue;
      }
      first_line = false;
      const uint64_t position = index++;
      ++out.records;
      auto status = line.size() > config.max_record_bytes
                      ? parse_status{reject_reason::record_too_large, ""}
                    : is_csv ? csv.parse(line, e)
                             : json.parse(line, e);
      if (!status.ok()) {
        out.rejects.add(status.reason);
        continue;
      }
      const int32_t p = partitions->of(file_no, line_offset, position, e.user_id);
      auto& clock = clocks[static_cast<size_t>(p)];
      const event_time wm = clock.watermark();

      if (e.kind == behavior::buy) {
        if (w.computes(result_kind::buy_cnt_per_hour)) {
          const event_time start = align_down(e.ts, w.hour_ms);
          if (start + w.hour_ms - 1 + w.allowed_lateness_ms <= wm)
            ++out.late_hourly;
          else
            ++out.hourly_buys[start];
        }
        if (w.computes(result_kind::top_category)) {
          std::string name;
          if (config.lookup == lookup_type::none) {
            name = std::to_string(e.category_id);
          } else {
            auto it = names.find(e.category_id);
            name = it != names.end() ? it->second
                                     : config.lookup_cache.unknown_label;
          }
          ++out.category_buys[name];
        }
      }
      const event_time step = align_down(e.ts, w.uv_ms);
      const bool step_closed = step + w.uv_ms - 1 <= wm;
      if (w.computes(result_kind::cumulative_uv)) {
        if (step + w.uv_ms - 1 + w.allowed_lateness_ms <= wm)
          ++out.late_uv;
        else
          uv_sets[step].insert(e.user_id);
      }
      if (w.computes(result_kind::cumulative_uv_daily)) {
        const event_time day = align_down(e.ts, w.day_ms);
        if (day + w.day_ms - 1 <= wm) {
          ++out.late_daily;
        } else {
          const event_time counted_from = step_closed
                                            ? align_down(wm + 1, w.uv_ms)
                                            : step;
          auto [it, inserted] = first_step[day].try_emplace(e.user_id,
                                                            counted_from);
          if (!inserted && counted_from < it->second)
            it->second = counted_from;
        }
      }
      clock.max_ts = std::max(clock.max_ts, e.ts);
    }
  }
  for (const auto& [start, users] : uv_sets)
    out.uv[start] = static_cast<int64_t>(users.size());
  for (const auto& [day, users] : first_step) {
    std::map<event_time, int64_t> new_users_by_step;
    for (const auto& [user, step] : users)
      ++new_users_by_step[step];
    int64_t total = 0;
    auto& steps = out.daily[day];
    // Rows from the first step with data to the end of the day.
    for (event_time s = new_users_by_step.begin()->first; s < day + w.day_ms;
         s += w.uv_ms) {
      auto it = new_users_by_step.find(s);
      if (it != new_users_by_step.end())
        total += it->second;
      steps[s + w.uv_ms] = total;
    }
  }
  return true;
}

std::vector<result_row> expected_rows(const job_config& config,
                                      const expected_results& expected) {
  result_formatter format{config.zone};
  const window_spec& w = config.windows;
  std::vector<result_row> rows;
  for (const auto& [start, buys] : expected.hourly_buys)
    rows.push_back(format.hourly(start, start + w.hour_ms, buys));
  for (const auto& [start, users] : expected.uv)
    rows.push_back(format.uv(start, start + w.uv_ms, users));
  for (const auto& [day, steps] : expected.daily)
    for (const auto& [end, users] : steps)
      rows.push_back(format.daily(day, end, users));
  for (const auto& [name, buys] : expected.category_buys)
    rows.push_back(format.category(name, buys));
  return rows;
}

} // namespace ubaflow
