// The typical spacing of a point set: below it an empirical mixture of the points is a set of
// spikes that no view resolves, and the exact score of a sample-only dataset is that of its draws,
// not of the density they came from. The window floors its fields' std there and the quality
// meter starts its bands above it.
#pragma once
#include "core/common/points.h"

namespace scorelab {

// The median, over at most `max_points` evenly spaced columns of x (2 × n, data units), of the
// distance to the nearest other column of x; 0 for fewer than two points. O(max_points · n):
// callers compute it once per point set.
double median_nearest_distance(const Points& x, Index max_points = 2000);

}  // namespace scorelab
