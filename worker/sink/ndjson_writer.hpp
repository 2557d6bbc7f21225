#pragma once

#include "worker/sink/es_bulk.hpp"
#include "worker/sink/result_writer.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace ubaflow {

/// Writes result rows to one NDJSON file per index in a directory (the
/// embedded default sink). Each line is
///   {"_index":"…","_id":"…","_source":{…}}
/// and files are only appended to, so the current value of a document is
/// its last line with that `_id` (`ubaflow verify` and the demo read them
/// that way).
class ndjson_writer : public result_writer {
public:
  /// The files of `indices` are created by prepare(), even while empty;
  /// rows of other indices open theirs when they first come.
  ndjson_writer(std::string directory, std::vector<std::string> indices,
                const std::string& index_prefix = "");
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
  std::string path_of(std::string_view index) const;
  std::string path_of(result_kind kind) const { return path_of(to_string(kind)); }

private:
  struct index_file {
    std::FILE* file = nullptr;
    std::string pending;
  };

  bool open(const std::string& index, index_file& f, std::string& error);

  std::string directory_;
  index_names names_;
  std::map<std::string, index_file, std::less<>> files_;
  size_t pending_bytes_ = 0;
  size_t pending_rows_ = 0;
  writer_stats stats_;
};

} // namespace ubaflow
