#include "coordinator/process/progress.hpp"

#include "common/time/civil.hpp"
#include "common/util/with_commas.hpp"
#include "common/protocol/reject_reason.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace ubaflow {

job_totals sum_up(const job_status& status) {
  job_totals t;
  t.rejects_by_reason.assign(reject_reason_count, 0);
  t.workers = status.workers.size();
  t.attempt = status.attempt;
  t.checkpoints = status.checkpoints;
  t.state = status.state;
  for (const auto& s : status.sources) {
    t.records += s.records_in;
    t.accepted += s.accepted;
    for (size_t i = 0; i < s.rejects_by_reason.size() && i < reject_reason_count;
         ++i) {
      t.rejects_by_reason[i] += s.rejects_by_reason[i];
      if (i > 0)
        t.rejected += s.rejects_by_reason[i];
    }
    t.late_records += s.late_records;
    for (const auto& sample : s.samples) {
      if (sample.name != "ubaflow_late_records_total")
        continue;
      uint64_t query = 0;
      std::string sink;
      for (const auto& label : sample.labels)
        if (label.name == "query")
          query = std::strtoull(label.value.c_str(), nullptr, 10);
        else if (label.name == "sink")
          sink = label.value;
      t.late_by_query[{query, sink}] += static_cast<uint64_t>(sample.value);
    }
    for (const auto& p : s.partitions) {
      if (p.end_offset >= 0 && p.next_offset >= 0) {
        t.lag_known = true;
        t.lag += static_cast<uint64_t>(std::max<int64_t>(0, p.end_offset
                                                              - p.next_offset));
      }
    }
    // Figures that are metrics only come from the source's probe samples.
    auto metric = [&](const char* name) {
      return static_cast<uint64_t>(sum_of(s.samples, name));
    };
    t.kafka_down = t.kafka_down || metric("ubaflow_kafka_brokers_down") > 0;
    if (!s.lookup_error.empty())
      t.lookup_error = s.lookup_error;
  }
  if (!status.owners.empty()) {
    t.watermark = max_event_time;
    for (const auto& o : status.owners) {
      t.watermark = std::min(t.watermark, o.watermark);
      t.late_at_owners += o.late_records;
    }
  }
  for (const auto& s : status.sinks) {
    t.rows_written += s.rows_written;
    if (!s.healthy) {
      t.sinks_healthy = false;
      t.sink_error = s.name + ": " + s.last_error;
    }
  }
  return t;
}

namespace {

std::string watermark_text(event_time wm) {
  if (wm == min_event_time)
    return "-";
  if (wm >= max_event_time - 1)
    return "end";
  return format_sql_time(wm);
}

} // namespace

std::string progress_line(const job_totals& now, const job_totals& before,
                          double seconds, double elapsed) {
  // Counts start over when the job restarts from an earlier position.
  const double rate = seconds > 0 && now.records >= before.records
                        ? static_cast<double>(now.records - before.records)
                            / seconds
                        : 0.0;
  char head[64];
  std::snprintf(head, sizeof head, "[%7.1fs] ", elapsed);
  std::ostringstream out;
  out << head << with_commas(now.records) << " records ("
      << with_commas(static_cast<uint64_t>(rate)) << "/s) | watermark "
      << watermark_text(now.watermark);
  if (now.lag_known)
    out << " | lag " << with_commas(now.lag);
  // Late: summed over the queries (a record late for two counts twice).
  out << " | rejected " << with_commas(now.rejected) << " | late "
      << with_commas(now.late_records);
  out << " | rows written " << with_commas(now.rows_written);
  if (now.workers > 0 || now.state == "waiting for workers")
    out << " | " << now.workers << (now.workers == 1 ? " worker" : " workers")
        << ", attempt " << now.attempt
        << (now.state == "running" || now.state == "draining"
              ? ""
              : " (" + now.state + ")");
  const auto& c = now.checkpoints;
  if (c.completed > 0)
    out << " | checkpoint " << c.last_id << " (" << c.last_duration_ms
        << " ms)";
  if (c.restored_id > 0)
    out << " | restored from " << c.restored_id;
  // Failed checkpoints as a running count (a line is read in a log);
  // /ubaflow/health says only whether the last one failed.
  if (now.checkpoints.failed > 0)
    out << " | " << now.checkpoints.failed << " CHECKPOINT(S) FAILED";
  for (const auto& problem : job_problems(now))
    if (problem.kind != "checkpoints")
      out << " | " << problem.text;
  return out.str();
}

std::vector<job_problem> job_problems(const job_totals& now) {
  std::vector<job_problem> out;
  const auto& history = now.checkpoints.history;
  if (!history.empty() && !history.back().completed)
    out.push_back({"checkpoints", "CHECKPOINT " + std::to_string(history.back().id)
                                    + " FAILED (" + history.back().failure + ")"});
  if (now.kafka_down)
    out.push_back({"kafka", "KAFKA UNREACHABLE"});
  if (!now.sinks_healthy)
    out.push_back({"sink", "SINK RETRYING (" + now.sink_error + ")"});
  if (!now.lookup_error.empty()) // reading the dimensions failed
    out.push_back({"lookup", "LOOKUP RETRYING (" + now.lookup_error + ")"});
  return out;
}

std::string summary(const job_status& status, double elapsed) {
  const job_totals t = sum_up(status);
  std::ostringstream out;
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f", elapsed);
  out << "job '" << status.name << "' " << status.state << " after " << secs
      << " s\n";
  out << "  records      " << with_commas(t.records) << " read, "
      << with_commas(t.accepted) << " accepted";
  if (elapsed > 0)
    out << " (" << with_commas(static_cast<uint64_t>(t.records / elapsed))
        << "/s)";
  out << "\n  rejected     " << with_commas(t.rejected);
  if (t.rejected > 0) {
    out << " (";
    bool first = true;
    for (size_t i = 1; i < t.rejects_by_reason.size(); ++i) {
      if (t.rejects_by_reason[i] == 0)
        continue;
      out << (first ? "" : ", ") << to_string(static_cast<reject_reason>(i))
          << " " << with_commas(t.rejects_by_reason[i]);
      first = false;
    }
    out << ")";
  }
  {
    out << "\n  late         " << with_commas(t.late_records)
        << " late for a window of a query (counted per query";
    const char* separator = ": ";
    for (const auto& [query, records] : t.late_by_query) {
      if (records == 0)
        continue;
      out << separator << query.first << " " << query.second << " "
          << with_commas(records);
      separator = ", ";
    }
    out << ")";
  }
  if (t.late_at_owners > 0)
    out << ", " << with_commas(t.late_at_owners)
        << " more behind the watermark of an idle partition";
  out << "\n";
  out << "  watermark    " << watermark_text(t.watermark) << "\n";
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  out << "  peak memory  " << usage.ru_maxrss / 1024 << " MiB resident\n";
  for (const auto& s : status.sinks)
    out << "  output       " << s.name << ": " << with_commas(s.rows_written)
        << " rows written, " << with_commas(s.rows_coalesced)
        << " superseded before writing, " << with_commas(s.rows_rejected)
        << " refused" << (s.healthy ? "" : " (last error: " + s.last_error + ")")
        << "\n";
  return out.str();
}

} // namespace ubaflow
