#include "worker/exchange/partial_router.hpp"

#include <stdexcept>

namespace ubaflow {

std::string partial_router::validate(uint32_t key_groups,
                                     const std::vector<key_group_range>& owners) {
  std::vector<int> cover(key_groups, 0);
  for (const auto& r : owners) {
    if (r.first > r.last || r.last > key_groups)
      return "key-group range [" + std::to_string(r.first) + ", "
             + std::to_string(r.last) + ") is outside [0, "
             + std::to_string(key_groups) + ")";
    for (auto kg = r.first; kg < r.last; ++kg)
      ++cover[kg];
  }
  for (uint32_t kg = 0; kg < key_groups; ++kg)
    if (cover[kg] != 1)
      return "key group " + std::to_string(kg) + " has "
             + std::to_string(cover[kg]) + " owners";
  return {};
}

partial_router::partial_router(uint32_t key_groups,
                               std::vector<key_group_range> owners)
  : key_groups_(key_groups),
    owners_(std::move(owners)),
    owner_by_group_(key_groups, 0) {
  if (auto error = validate(key_groups_, owners_); !error.empty())
    throw std::invalid_argument(error);
  for (uint32_t i = 0; i < owners_.size(); ++i)
    for (auto kg = owners_[i].first; kg < owners_[i].last; ++kg)
      owner_by_group_[kg] = i;
}

void partial_router::route(std::vector<hourly_partial>& hourly,
                           std::vector<uv_partial>& uv,
                           std::vector<category_partial>& categories,
                           std::vector<partial_batch>& out) const {
  for (auto& p : hourly)
    out[owner_of(key_group_of_int(p.window_start, key_groups_))]
      .hourly.push_back(p);
  for (auto& p : uv)
    out[owner_of(p.group)].uv.push_back(std::move(p));
  for (auto& p : categories)
    out[owner_of(key_group_of_string(p.name, key_groups_))]
      .categories.push_back(std::move(p));
}

} // namespace ubaflow
