#include "core/common/error.h"

#include <charconv>

namespace scorelab {

std::string number_text(double v) {
  // Exact text: 10000001 stays "10000001" (an ostream's default 6 digits print "1e+07", which
  // hides the very value the user must fix). Whole numbers below 2^53 as plain digits (1e7 as
  // "10000000", to compare with the bound beside it); others as the shortest text that reads
  // back as the same double ("0.1", "1e+300").
  char buf[32];
  if (std::abs(v) < 0x1p53 && v == std::floor(v)) {
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    return std::string(buf, end);
  }
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
