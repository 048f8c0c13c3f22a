// Enum names in scene files and help texts: each enum has a to_string(E) (an exhaustive switch, so
// the compiler flags a forgotten value) and one shared lookup for the way back.
#pragma once
#include <string>
#include <string_view>

#include "core/common/error.h"

namespace scorelab {

// The value among `all` whose to_string is `name`; otherwise InputError
// "unknown <what> '<name>' (allowed: a, b, c)".
template <class Enum, std::size_t K>
Enum enum_from_string(std::string_view what, std::string_view name, const Enum (&all)[K]) {
  std::string allowed;
  for (Enum e : all) {
    if (to_string(e) == name) return e;
    allowed += (allowed.empty() ? "" : ", ") + std::string(to_string(e));
  }
  throw InputError("unknown " + std::string(what) + " '" + std::string(name) +
                   "' (allowed: " + allowed + ")");
}

}  // namespace scorelab
