#pragma once

#include "coordinator/checkpoint/checkpoint_store.hpp"

#include <optional>
#include <string>

namespace ubaflow {

/// Loads the checkpoint an attempt restores from. If `location` is gone
/// because retention deleted it in favour of a newer checkpoint (one whose
/// completion the job master may not have heard of yet when the attempt
/// ended), falls forward to the newest one and sets `location` to it.
/// Nothing, and why in `error`, if neither can be loaded.
std::optional<checkpoint_data> load_restore_point(const checkpoint_store& store,
                                                  std::string& location,
                                                  std::string& error);

} // namespace ubaflow
