#include "worker/lookup/sql_dimension_refresher.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

namespace ubaflow {

sql_dimension_refresher::sql_dimension_refresher(reader read, int64_t period_ms,
                                                 int64_t retry_ms,
                                                 int64_t retry_max_ms)
  : read_(std::move(read)), period_ms_(period_ms),
    retry_ms_(retry_ms > 0 ? retry_ms : period_ms),
    backoff_(retry_ms_, std::max(retry_ms_, retry_max_ms)) {
  // nop
}

sql_dimension_refresher::~sql_dimension_refresher() {
  if (running_.valid())
    running_.wait(); // one attempt: bounded by the reader's own timeouts
}

std::optional<sql_dimension_refresher::result>
sql_dimension_refresher::poll(int64_t now_ms) {
  if ((period_ms_ <= 0 && !needed_) || !read_)
    return std::nullopt;
  if (!next_due_ms_)
    next_due_ms_ = now_ms + period_ms_;
  if (running_.valid()) {
    if (running_.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
      return std::nullopt;
    auto done = running_.get();
    if (done.ok()) {
      needed_ = false;
      backoff_.reset();
      next_due_ms_ = period_ms_ > 0 ? now_ms + period_ms_ : INT64_MAX;
    } else {
      next_due_ms_ = now_ms + backoff_.next_delay_ms();
    }
    return done;
  }
  if (now_ms >= *next_due_ms_)
    running_ = std::async(std::launch::async, [read = read_] {
      result r;
      try {
        if (!read(r.rows, r.error) && r.error.empty())
          r.error = "the dimension could not be read";
      } catch (const std::exception& e) {
        r.error = e.what();
      }
      if (!r.ok())
        r.rows.clear();
      return r;
    });
  return std::nullopt;
}

} // namespace ubaflow
