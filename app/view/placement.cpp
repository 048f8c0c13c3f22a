// Legend placement (see placement.h).
#include "app/view/placement.h"

namespace scorelab::view {

Eigen::Vector2f least_covered_spot(float left, float top, float right, float bottom, float w,
                                   float h, const std::vector<Eigen::Vector2f>& points) {
  std::vector<Eigen::Vector2f> spots = {
      {right, top}, {left, top}, {right, bottom}, {left, bottom}};
  constexpr int kSteps = 8;
  for (int k = 1; k < kSteps; ++k) {
    const float a = float(k) / kSteps;
    const float x = left + a * (right - left), y = top + a * (bottom - top);
    spots.insert(spots.end(), {{x, top}, {x, bottom}, {right, y}, {left, y}});
  }
  Eigen::Vector2f best = spots.front();
  std::size_t best_count = points.size() + 1;
  for (const Eigen::Vector2f& c : spots) {
    std::size_t count = 0;
    for (const Eigen::Vector2f& p : points)
      count += p.x() >= c.x() && p.x() <= c.x() + w && p.y() >= c.y() && p.y() <= c.y() + h;
    if (count < best_count) best = c, best_count = count;
    if (best_count == 0) break;
  }
  return best;
}

}  // namespace scorelab::view
