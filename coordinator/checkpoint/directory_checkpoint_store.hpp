#pragma once

#include "coordinator/checkpoint/checkpoint_store.hpp"

namespace ubaflow {

/// Checkpoints in a directory (a volume in Kubernetes): one file per
/// checkpoint, chk-<id>.ckpt, and savepoints under
/// savepoints/savepoint-<id>.ckpt. A file is written to a temporary name,
/// synced, renamed and its directory synced, so a crash leaves either the
/// whole checkpoint or none. Only the newest `retained` checkpoints are
/// kept; savepoints are never deleted.
class directory_checkpoint_store : public checkpoint_store {
public:
  directory_checkpoint_store(std::string directory, uint32_t retained);

  std::optional<std::string> write(const checkpoint_data& data,
                                   uint64_t& bytes,
                                   std::string& error) override;
  std::optional<std::string> latest() const override;
  std::optional<checkpoint_data> load(const std::string& path,
                                      std::string& error) const override;
  uint64_t id_of(const std::string& path) const override;
  bool holds(const std::string& path) const override;
  std::string describe() const override { return directory_; }

  /// The id in a checkpoint or savepoint file name, 0 if none.
  static uint64_t id_of_file_name(const std::string& file_name);

private:
  void prune() const;

  std::string directory_;
  uint32_t retained_;
};

} // namespace ubaflow
