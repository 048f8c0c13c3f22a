#include "core/common/error.h"

#include <sstream>

namespace scorelab {

void require_in_range(const std::string& what, double v, double lo, double hi) {
  if (std::isfinite(v) && v >= lo && v <= hi) return;
  std::ostringstream msg;
  msg << what << " must be finite and in [" << lo << ", " << hi << "], got " << v;
  throw InputError(msg.str());
}

void require_above(const std::string& what, double v, double lo) {
  if (std::isfinite(v) && v > lo) return;
  std::ostringstream msg;
  msg << what << " must be finite and > " << lo << ", got " << v;
  throw InputError(msg.str());
}

}  // namespace scorelab
