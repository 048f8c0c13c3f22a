// The points file of `scorelab likelihood`: "x,y" rows of numbers, read in double. Kept in core
// (a file format, no flags) so the fuzz tests can reach it.
#pragma once
#include <string>

#include "core/common/points.h"

namespace scorelab {

// At most this many points per request (a 1024 × 1024 grid, ~10⁶ ODE solves).
constexpr Index kMaxLikelihoodPoints = 1 << 20;

// Parses the text of the file `path`. Line ends may be \n, \r\n or \r; a UTF-8 byte order mark
// is skipped; the first line is a header only when none of its cells is a number ("x,y"), so a
// first row of numbers that is not exactly two of them is refused, not dropped. Coordinates must
// lie within the world the observations do (|x|, |y| ≤ kObservationLimit data units): beyond it
// the float score loses the point (1e308 became infinity) or the solver gives up. Every refusal
// (InputError) names the file, the 1-based line and the reason, quoting the line as a short,
// escaped excerpt. At most kMaxLikelihoodPoints points; at least one.
PointsT<double> read_points_csv(const std::string& path, std::string text);

}  // namespace scorelab
