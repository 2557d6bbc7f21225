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

} // namespace ubaflow
