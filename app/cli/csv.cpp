// Points as CSV text (see csv.h).
#include "app/cli/csv.h"

#include <charconv>

namespace scorelab::cli {

void append_float(std::string& s, float v) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, end);
}

std::string particles_csv(const Points& x) {
  std::string s = "x,y\n";
  s.reserve(static_cast<std::size_t>(x.cols()) * 24 + 4);
  for (Index i = 0; i < x.cols(); ++i) {
    append_float(s, x(0, i));
    s += ',';
    append_float(s, x(1, i));
    s += '\n';
  }
  return s;
}

}  // namespace scorelab::cli
