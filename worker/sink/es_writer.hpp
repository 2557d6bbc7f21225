#pragma once

#include "common/util/backoff.hpp"
#include "worker/sink/bulk_buffer.hpp"
#include "worker/sink/es_bulk.hpp"
#include "worker/sink/es_http_client.hpp"
#include "worker/sink/result_writer.hpp"

#include <memory>

namespace ubaflow {

/// Writes result rows to Elasticsearch 7 with `_bulk`: explicit ids (so
/// retries overwrite), retries of whole requests on connection errors, 429
/// and 5xx, and of exactly the failed items after partial failures, with
/// capped exponential backoff and no limit on attempts (nothing is dropped
/// because Elasticsearch is down). A 413 splits the batch; a document
/// refused with another 4xx is counted, logged and set aside.
class es_writer : public result_writer {
public:
  es_writer(es_writer_settings settings,
            std::unique_ptr<es_http_client> client);

  std::string name() const override;
  bool prepare(std::string& error) override;
  void add(std::vector<result_row> rows) override;
  bool wants_flush() const override;
  flush_status flush() override;
  bool drained() const override { return buffer_.empty(); }
  int64_t retry_delay_ms() override { return backoff_.next_delay_ms(); }
  const writer_stats& stats() const override { return stats_; }

private:
  flush_status send(std::vector<taken_row> rows);
  void reject(const taken_row& row, int status, const std::string& why);
  void restore_all(std::vector<taken_row>& rows);

  es_writer_settings settings_;
  std::unique_ptr<es_http_client> client_;
  index_names names_;
  bulk_buffer buffer_;
  exponential_backoff backoff_;
  writer_stats stats_;
  bool prepared_ = false;
};

} // namespace ubaflow
