#pragma once

// A SQL job's lookup dimensions read again every lookup.cache-ttl (issue
// 13): what Flink's lookup cache gives a lookup join, a changed dimension
// row seen within the TTL. The read runs on a thread of its own, so a slow
// or unreachable database never stalls the source task that polls it; a
// failed read leaves the rows in use as they are and is tried again after
// lookup.retry-initial. One read at a time, one attempt each: a task that
// stops waits for at most one.

#include "common/sql/exec/sql_value.hpp"
#include "common/util/backoff.hpp"

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

/// Dimension rows by table (bound_script::tables index).
using sql_dimension_tables = std::map<uint32_t, std::vector<sql_row>>;

class sql_dimension_refresher {
public:
  /// Reads every dimension; false with `error` when one cannot be read.
  using reader = std::function<bool(sql_dimension_tables& rows, std::string& error)>;

  /// What a finished read gave: the rows, or why there are none.
  struct result {
    sql_dimension_tables rows;
    std::string error; ///< empty when the read succeeded
    bool ok() const { return error.empty(); }
  };

  /// `period_ms` <= 0: never read again. A failed read is tried again
  /// after `retry_ms`, growing up to `retry_max_ms` while reads keep
  /// failing (lookup.retry-initial, lookup.retry-max).
  sql_dimension_refresher(reader read, int64_t period_ms, int64_t retry_ms,
                          int64_t retry_max_ms = 0);
  ~sql_dimension_refresher();
  sql_dimension_refresher(const sql_dimension_refresher&) = delete;
  sql_dimension_refresher& operator=(const sql_dimension_refresher&) = delete;

  /// Starts a read when one is due (the first a period after the first
  /// call); the result of one that finished since, if any.
  std::optional<result> poll(int64_t now_ms);

  bool reading() const { return running_.valid(); }

  /// Makes a read due at once, and every retry after it until one
  /// succeeds, whatever the period: the first read of a dimension that
  /// could not be read when the task started (MySQL down).
  void read_now() {
    needed_ = true;
    next_due_ms_ = INT64_MIN;
  }
  /// Whether the rows have never been read (read_now() until a success).
  bool needed() const { return needed_; }
  /// Failed reads in a row.
  uint32_t failures() const { return backoff_.attempts(); }

private:
  reader read_;
  int64_t period_ms_;
  int64_t retry_ms_;
  exponential_backoff backoff_;
  bool needed_ = false;
  std::optional<int64_t> next_due_ms_;
  std::future<result> running_;
};

} // namespace ubaflow
