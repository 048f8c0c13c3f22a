// Points as CSV text (see csv.h).
#include "app/cli/csv.h"

#include <charconv>

namespace scorelab::cli {

namespace {
template <class S>
void append_shortest(std::string& s, S v) {
  char buf[32];  // the longest double, "-2.2250738585072014e-308", is 24 characters
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, end);
}
}  // namespace

void append_float(std::string& s, float v) { append_shortest(s, v); }
void append_double(std::string& s, double v) { append_shortest(s, v); }

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
