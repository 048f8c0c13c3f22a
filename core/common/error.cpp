#include "core/common/error.h"

#include <charconv>
#include <cstdio>

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

std::string quoted_name(std::string_view name) {
  constexpr std::size_t kLong = 100, kEnd = 40;
  const auto escaped = [](std::string_view part) {
    std::string out;
    for (const char ch : part) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7f) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", c);
        out += hex;
      } else {
        out += ch;
      }
    }
    return out;
  };
  // Built by appending: GCC 12 warns (falsely, -Wstringop-overflow) on "'" + std::string&&.
  std::string out = "'";
  if (name.size() <= kLong) return out += escaped(name), out += "'", out;
  // Cut at character boundaries: a UTF-8 continuation byte is 10xxxxxx.
  const auto continuation = [&](std::size_t i) { return (name[i] & 0xC0) == 0x80; };
  std::size_t head = kEnd, tail = name.size() - kEnd;
  while (head > 0 && continuation(head)) --head;
  while (tail < name.size() && continuation(tail)) ++tail;
  out += escaped(name.substr(0, head));
  out += "…";
  out += escaped(name.substr(tail));
  out += "' (" + std::to_string(name.size()) + " bytes)";
  return out;
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
