#include "worker/sink/es_writer.hpp"

#include "common/util/clock.hpp"
#include "common/util/json_text.hpp"
#include "worker/sink/es_templates.hpp"

#include <spdlog/spdlog.h>

#include <fstream>

namespace ubaflow {

es_writer::es_writer(es_writer_settings settings,
                     std::unique_ptr<es_http_client> client)
  : settings_(std::move(settings)),
    client_(std::move(client)),
    names_(settings_.index_prefix),
    backoff_(settings_.backoff_initial_ms, settings_.backoff_max_ms) {
  // nop
}

std::string es_writer::name() const {
  return "elasticsearch(" + client_->current_endpoint().url() + ")";
}

bool es_writer::prepare(std::string& error) {
  if (prepared_ || !settings_.create_templates) {
    prepared_ = true;
    return true;
  }
  for (const auto& [name, body] :
       settings_.mappings.empty()
         ? index_templates(names_, settings_.refresh_interval_ms)
         : index_templates(names_, settings_.mappings,
                           settings_.refresh_interval_ms)) {
    auto res = client_->request("PUT", "/_template/" + name, body);
    if (!res.received()) {
      error = "cannot create index templates: " + res.transport_error;
      stats_.healthy = false;
      stats_.last_error = error;
      return false;
    }
    if (res.status < 200 || res.status >= 300) {
      error = "PUT _template/" + name + " answered "
              + std::to_string(res.status) + ": " + describe_es_error(res.body);
      stats_.healthy = false;
      stats_.last_error = error;
      return false;
    }
  }
  spdlog::info("elasticsearch: index templates in place at {}",
               client_->current_endpoint().url());
  prepared_ = true;
  backoff_.reset();
  return true;
}

void es_writer::add(std::vector<result_row> rows) {
  stats_.rows_in += rows.size();
  for (auto& row : rows)
    buffer_.add(std::move(row));
  stats_.rows_coalesced = buffer_.coalesced();
}

bool es_writer::wants_flush() const {
  return buffer_.size() >= settings_.max_actions
         || buffer_.bytes() >= settings_.max_bytes;
}

flush_status es_writer::flush() {
  if (!prepared_) {
    std::string error;
    if (!prepare(error))
      return flush_status::failed; // the sink actor reports and backs off
  }
  if (buffer_.empty())
    return flush_status::done;
  auto status = send(buffer_.take(settings_.max_actions, settings_.max_bytes));
  if (status == flush_status::failed)
    return status;
  return buffer_.empty() ? flush_status::done : flush_status::more;
}

void es_writer::restore_all(std::vector<taken_row>& rows) {
  for (auto& r : rows)
    buffer_.restore(std::move(r));
}

void es_writer::reject(const taken_row& row, int status,
                       const std::string& why) {
  ++stats_.rows_rejected;
  spdlog::error("elasticsearch refused document {}/{} for good ({}): {}",
                names_.of(row.row.index), row.row.id, status, why);
  if (settings_.rejected_path.empty())
    return;
  std::ofstream out(settings_.rejected_path, std::ios::app);
  std::string line = "{\"_index\":" + json_string(names_.of(row.row.index))
                     + ",\"_id\":" + json_string(row.row.id)
                     + ",\"status\":" + std::to_string(status)
                     + ",\"error\":" + json_string(why)
                     + ",\"_source\":" + row.row.document + "}\n";
  out << line;
}

flush_status es_writer::send(std::vector<taken_row> rows) {
  const std::string body = encode_bulk(rows, names_);
  const int64_t started = steady_now_ms();
  ++stats_.requests;
  auto res = client_->request("POST", "/_bulk", body, "application/x-ndjson");
  stats_.last_latency_ms = steady_now_ms() - started;
  stats_.latency_total_ms += static_cast<uint64_t>(stats_.last_latency_ms);

  auto fail_whole = [&](const std::string& why) {
    ++stats_.request_failures;
    stats_.healthy = false;
    stats_.last_error = why;
    restore_all(rows);
    return flush_status::failed;
  };

  if (!res.received())
    return fail_whole(res.transport_error);

  if (res.status == 413 || (res.status == 400 && rows.size() > 1)) {
    // Too large, or a whole-request validation error: halve and resend so
    // that a single offending document cannot block the others.
    if (rows.size() > 1) {
      spdlog::warn("elasticsearch answered {} to a bulk of {} rows; splitting",
                   res.status, rows.size());
      std::vector<taken_row> second(std::make_move_iterator(rows.begin()
                                                            + rows.size() / 2),
                                    std::make_move_iterator(rows.end()));
      rows.resize(rows.size() / 2);
      auto first_status = send(std::move(rows));
      if (first_status == flush_status::failed) {
        restore_all(second);
        return first_status;
      }
      return send(std::move(second));
    }
  }

  if (res.status != 200) {
    const std::string why = "bulk request answered "
                            + std::to_string(res.status) + ": "
                            + describe_es_error(res.body);
    if (classify_status(res.status) == item_outcome::retry)
      return fail_whole(why);
    for (const auto& r : rows)
      reject(r, res.status, why);
    backoff_.reset();
    return flush_status::more;
  }

  auto parsed = parse_bulk_response(res.body, rows.size());
  if (!parsed.error.empty())
    return fail_whole("unusable bulk response: " + parsed.error);

  size_t retried = 0;
  int first_retry_status = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& item = parsed.items[i];
    switch (item.outcome) {
      case item_outcome::ok:
        ++stats_.rows_written;
        break;
      case item_outcome::retry:
        if (retried++ == 0)
          first_retry_status = item.status;
        ++stats_.item_retries;
        buffer_.restore(std::move(rows[i]));
        break;
      case item_outcome::reject:
        reject(rows[i], item.status, item.error_type + ": " + item.reason);
        break;
    }
  }
  if (retried > 0) {
    stats_.healthy = false;
    stats_.last_error = std::to_string(retried)
                        + " bulk items to retry (first: "
                        + std::to_string(first_retry_status) + ")";
    spdlog::warn("elasticsearch: {} of {} bulk items failed with a retryable "
                 "status; retrying them",
                 retried, rows.size());
    return flush_status::failed;
  }
  stats_.healthy = true;
  backoff_.reset();
  return flush_status::more;
}

} // namespace ubaflow
