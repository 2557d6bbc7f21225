#pragma once

#include "worker/sink/es_bulk.hpp"
#include "worker/sink/result_writer.hpp"

#include <array>
#include <cstdio>
#include <string>

namespace ubaflow {

/// Writes result rows to one NDJSON file per index in a directory (the
/// embedded default sink). Each line is
///   {"_index":"…","_id":"…","_source":{…}}
/// and files are only appended to, so the current value of a document is
/// its last line with that `_id` (`ubaflow verify` and the demo read them
/// that way).
class ndjson_writer : public result_writer {
public:
  ndjson_writer(std::string directory, const std::string& index_prefix = "");
  ~ndjson_writer() override;

  std::string name() const override { return "ndjson(" + directory_ + ")"; }
  bool prepare(std::string& error) override;
  void add(std::vector<result_row> rows) override;
  bool wants_flush() const override { return pending_bytes_ >= (1 << 20); }
  flush_status flush() override;
  bool drained() const override { return pending_bytes_ == 0; }
  int64_t retry_delay_ms() override { return 1000; }
  const writer_stats& stats() const override { return stats_; }

  /// Path of the file of one index.
  std::string path_of(result_kind kind) const;

private:
  std::string directory_;
  index_names names_;
  std::array<std::FILE*, result_kind_count> files_{};
  std::array<std::string, result_kind_count> pending_;
  size_t pending_bytes_ = 0;
  size_t pending_rows_ = 0;
  writer_stats stats_;
};

} // namespace ubaflow
