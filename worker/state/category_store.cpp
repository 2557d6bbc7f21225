#include "worker/state/category_store.hpp"

namespace ubaflow {

void category_store::merge(const category_partial& partial) {
  auto& e = counts_[partial.name];
  e.buys += partial.buys;
  if (!e.changed) {
    e.changed = true;
    ++changed_;
  }
}

void category_store::emit_changed(const result_formatter& format,
                                  std::vector<result_row>& out) {
  if (changed_ == 0)
    return;
  for (auto& [name, e] : counts_) {
    if (e.changed) {
      out.push_back(format.category(name, e.buys));
      e.changed = false;
    }
  }
  changed_ = 0;
}

void category_store::snapshot(key_group group, uint32_t key_groups,
                              std::vector<category_snapshot>& out) const {
  for (const auto& [name, e] : counts_)
    if (key_group_of_string(name, key_groups) == group)
      out.push_back({name, e.buys});
}

void category_store::restore(const std::vector<category_snapshot>& categories) {
  for (const auto& c : categories)
    merge({c.name, c.buys});
}

} // namespace ubaflow
