// The likelihood's points file (points_file.h).
#include "core/likelihood/points_file.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/sample/conditioning.h"

namespace scorelab {
namespace {

// A line of a points file as a message quotes it: its first 40 bytes, control characters and
// bytes outside ASCII as \xNN (no terminal escape reaches the terminal), and its length if longer.
std::string line_excerpt(std::string_view line) {
  constexpr std::size_t kShown = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < std::min(line.size(), kShown); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  out += line.size() > kShown ? "…' (" + std::to_string(line.size()) + " bytes)" : "'";
  return out;
}

// The cells of a line split at commas, spaces around each trimmed.
std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells(1);
  for (char c : line) {
    if (c == ',') cells.emplace_back();
    else cells.back() += c;
  }
  for (std::string& cell : cells) {
    while (!cell.empty() && cell.front() == ' ') cell.erase(0, 1);
    while (!cell.empty() && cell.back() == ' ') cell.pop_back();
  }
  return cells;
}

bool parses_as_number(const std::string& s, double& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

// Coordinates are kept in double: a float moves a point by up to 6e-8 relative (2.4e-7 data units
// at |x| ≈ 4), which changes log p_eps by |score| times that: 2.4e-3 nats where |score| ≈ 1e4 per
// data unit, e.g. one data unit from an empirical mixture's points under VE at eps = 1e-5
// (σ = 0.01). The closed form beside it is then of the very point the user wrote.
PointsT<double> read_points_csv(const std::string& path, std::string text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // the UTF-8 byte order mark
  std::vector<double> xy;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    ++line_no;
    const std::string where = path + " line " + std::to_string(line_no);
    if (line.empty()) continue;
    const std::vector<std::string> cells = csv_cells(line);
    double v[2];
    int numbers = 0;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      double value;
      if (!parses_as_number(cells[c], value)) continue;
      ++numbers;
      if (c < 2) v[c] = value;
    }
    if (line_no == 1 && numbers == 0) continue;  // a header
    if (cells.size() != 2 || numbers != 2)
      throw InputError(where + ": expected two numbers x,y, got " + line_excerpt(line));
    for (int c = 0; c < 2; ++c) {
      // from_chars reads "nan" and "inf": those are numbers, but not points.
      if (!std::isfinite(v[c]))
        throw InputError(where + ": " + line_excerpt(cells[c]) + " is not a finite number");
      if (!(std::abs(v[c]) <= kObservationLimit))
        throw InputError(where + ": " + (c == 0 ? "x" : "y") + " = " + number_text(v[c]) +
                         " lies outside the world scorelab models (|x|, |y| <= " +
                         number_text(kObservationLimit) + " data units)");
    }
    if (xy.size() / 2 >= static_cast<std::size_t>(kMaxLikelihoodPoints))
      throw InputError(path + " has more than " + std::to_string(kMaxLikelihoodPoints) +
                       " points, the most one request takes");
    xy.push_back(v[0]);
    xy.push_back(v[1]);
  }
  if (xy.empty()) throw InputError(path + " holds no points");
  return Eigen::Map<const PointsT<double>>(xy.data(), 2, static_cast<Index>(xy.size() / 2));
}

}  // namespace scorelab
