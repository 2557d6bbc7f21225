#pragma once

#include "common/protocol/results.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

enum class flush_status {
  done,   ///< nothing pending any more
  more,   ///< progress made; call flush again
  failed, ///< nothing sent; retry after retry_delay_ms()
};

struct writer_stats {
  uint64_t rows_in = 0;          ///< rows received
  uint64_t rows_written = 0;     ///< rows acknowledged by the destination
  uint64_t rows_coalesced = 0;   ///< superseded before they were written
  uint64_t rows_rejected = 0;    ///< refused for good (bad document)
  uint64_t requests = 0;         ///< bulk requests or file flushes
  uint64_t request_failures = 0; ///< whole requests that failed
  uint64_t item_retries = 0;     ///< rows re-queued after a retryable error
  int64_t last_latency_ms = 0;   ///< of the last request
  uint64_t latency_total_ms = 0;
  bool healthy = true;           ///< the last attempt succeeded
  std::string last_error;
};

/// A destination of result rows (Elasticsearch, NDJSON files). The sink
/// actor drives it: add rows, flush when it wants to or on the interval,
/// back off after a failure. Implementations do blocking I/O with bounded
/// timeouts and are used from one thread.
class result_writer {
public:
  virtual ~result_writer() = default;

  virtual std::string name() const = 0;

  /// One-time preparation (index templates, directories); may fail and be
  /// retried. Rows are only written after it succeeded.
  virtual bool prepare(std::string& error) = 0;

  virtual void add(std::vector<result_row> rows) = 0;

  /// A size threshold was reached: flush without waiting for the interval.
  virtual bool wants_flush() const = 0;

  /// One flush attempt.
  virtual flush_status flush() = 0;

  /// True when every row added so far has been written (or rejected).
  virtual bool drained() const = 0;

  virtual int64_t retry_delay_ms() = 0;

  virtual const writer_stats& stats() const = 0;
};

} // namespace ubaflow
