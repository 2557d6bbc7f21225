#pragma once

#include "common/protocol/checkpoints.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ubaflow {

/// Durable storage of completed checkpoints in a directory (a volume in
/// Kubernetes): one file per checkpoint, chk-<id>.ckpt, and savepoints
/// under savepoints/savepoint-<id>.ckpt. A file is written to a temporary
/// name, synced, renamed and its directory synced, so a crash leaves
/// either the whole checkpoint or none. Only the newest `retained`
/// checkpoints are kept; savepoints are never deleted.
class checkpoint_store {
public:
  checkpoint_store(std::string directory, uint32_t retained);

  /// Writes `data`; returns its path and size, or nothing and `error`.
  std::optional<std::string> write(const checkpoint_data& data,
                                   uint64_t& bytes, std::string& error);

  /// The newest checkpoint or savepoint in the directory, by id.
  std::optional<std::string> latest() const;

  const std::string& directory() const { return directory_; }

  /// Reads a checkpoint file; checks its format marker.
  static std::optional<checkpoint_data> load(const std::string& path,
                                             std::string& error);

  /// The id in a checkpoint or savepoint file name, 0 if none.
  static uint64_t id_of(const std::string& file_name);

private:
  void prune() const;

  std::string directory_;
  uint32_t retained_;
};

} // namespace ubaflow
