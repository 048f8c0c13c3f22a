// The median nearest-neighbour distance of a point set (see point_spacing.h).
#include "core/distributions/point_spacing.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace scorelab {

double median_nearest_distance(const Points& x, Index max_points) {
  const Index n = x.cols();
  if (n < 2) return 0;
  const Index step = std::max<Index>(1, n / std::max<Index>(max_points, 1));
  std::vector<float> nearest;
  nearest.reserve(std::size_t(n / step + 1));
  for (Index i = 0; i < n; i += step) {
    float best = INFINITY;
    for (Index j = 0; j < n; ++j)
      if (j != i) best = std::min(best, (x.col(i) - x.col(j)).norm());
    nearest.push_back(best);
  }
  const auto mid = nearest.begin() + std::ptrdiff_t(nearest.size() / 2);
  std::nth_element(nearest.begin(), mid, nearest.end());
  return std::isfinite(*mid) ? double(*mid) : 0.0;
}

}  // namespace scorelab
