#include "coordinator/checkpoint/restore_point.hpp"

#include <spdlog/spdlog.h>

namespace ubaflow {

std::optional<checkpoint_data> load_restore_point(const checkpoint_store& store,
                                                  std::string& location,
                                                  std::string& error) {
  auto data = store.load(location, error);
  if (data)
    return data;
  const auto newest = store.latest();
  if (!newest || store.id_of(*newest) <= store.id_of(location))
    return std::nullopt;
  spdlog::warn("{}; restoring the newer {}", error, *newest);
  location = *newest;
  return store.load(location, error);
}

} // namespace ubaflow
