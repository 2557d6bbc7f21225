#pragma once

#include "common/protocol/checkpoints.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

/// Where completed checkpoints and savepoints are kept. A location is the
/// store's own name for one (a file path for directory_checkpoint_store);
/// users pass it back in checkpoint.restore. Implementations write
/// atomically: a checkpoint is stored whole or not at all.
class checkpoint_store {
public:
  virtual ~checkpoint_store() = default;

  /// Stores `data`; returns its location and size, or nothing and `error`.
  virtual std::optional<std::string>
  write(const checkpoint_data& data, uint64_t& bytes, std::string& error) = 0;

  /// The newest checkpoint or savepoint, by id.
  virtual std::optional<std::string> latest() const = 0;

  virtual std::optional<checkpoint_data> load(const std::string& location,
                                              std::string& error) const = 0;

  /// The id of the checkpoint at `location`, 0 if it names none.
  virtual uint64_t id_of(const std::string& location) const = 0;

  /// True if `location` names a checkpoint or savepoint of this store (and
  /// nothing outside it): only those are restored without the operator
  /// naming them.
  virtual bool holds(const std::string& location) const = 0;

  /// For log lines: where checkpoints go.
  virtual std::string describe() const = 0;
};

} // namespace ubaflow
