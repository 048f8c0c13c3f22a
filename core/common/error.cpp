#include "core/common/error.h"

#include <charconv>

namespace scorelab {

std::string number_text(double v) {
  // Shortest text that reads back as the same double: 10000001 stays "10000001" (an ostream's
  // default 6 digits would print "1e+07", which hides the very value the user must fix).
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

void require_in_range(const std::string& what, double v, double lo, double hi) {
  if (std::isfinite(v) && v >= lo && v <= hi) return;
  throw InputError(what + " must be finite and in [" + number_text(lo) + ", " + number_text(hi) +
                   "], got " + number_text(v));
}

void require_above(const std::string& what, double v, double lo) {
  if (std::isfinite(v) && v > lo) return;
  throw InputError(what + " must be finite and > " + number_text(lo) + ", got " + number_text(v));
}

}  // namespace scorelab
