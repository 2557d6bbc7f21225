#include "tools/datagen/user_event.hpp"

namespace ubaflow {

const char* to_string(behavior kind) {
  switch (kind) {
    case behavior::pv:
      return "pv";
    case behavior::buy:
      return "buy";
    case behavior::cart:
      return "cart";
    case behavior::fav:
      return "fav";
  }
  return "?";
}

std::optional<behavior> behavior_from_string(std::string_view text) {
  const char* c = text.data();
  switch (text.size()) {
    case 2:
      if (c[0] == 'p' && c[1] == 'v')
        return behavior::pv;
      break;
    case 3:
      if (c[0] == 'b' && c[1] == 'u' && c[2] == 'y')
        return behavior::buy;
      if (c[0] == 'f' && c[1] == 'a' && c[2] == 'v')
        return behavior::fav;
      break;
    case 4:
      if (c[0] == 'c' && c[1] == 'a' && c[2] == 'r' && c[3] == 't')
        return behavior::cart;
      break;
    default:
      break;
  }
  return std::nullopt;
}

} // namespace ubaflow
