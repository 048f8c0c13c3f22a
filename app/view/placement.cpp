// Legend placement (see placement.h).
#include "app/view/placement.h"

#include <array>

namespace scorelab::view {

int points_in(const Box& b, const std::vector<Eigen::Vector2f>& points) {
  int n = 0;
  for (const Eigen::Vector2f& p : points)
    n += p.x() >= b.x0 && p.x() <= b.x1 && p.y() >= b.y0 && p.y() <= b.y1;
  return n;
}

Eigen::Vector2f least_covered_spot(float left, float top, float right, float bottom, float w,
                                   float h, const std::vector<Eigen::Vector2f>& points,
                                   const std::vector<Box>& taken) {
  constexpr int kSteps = 8;  // 7 places inside each edge
  std::array<Eigen::Vector2f, 4 * kSteps> spots;  // every frame: no allocation
  spots[0] = {right, top}, spots[1] = {left, top}, spots[2] = {right, bottom};
  spots[3] = {left, bottom};
  for (int k = 1; k < kSteps; ++k) {
    const float a = float(k) / kSteps;
    const float x = left + a * (right - left), y = top + a * (bottom - top);
    const std::size_t at = std::size_t(4 * k);
    spots[at] = {x, top}, spots[at + 1] = {x, bottom}, spots[at + 2] = {right, y};
    spots[at + 3] = {left, y};
  }
  // An overlap with a taken box counts as more than every point.
  const std::size_t overlap = points.size() + 1;
  const auto cost = [&](const Eigen::Vector2f& c) {
    std::size_t count = 0;
    for (const Box& b : taken)
      if (c.x() < b.x1 && c.x() + w > b.x0 && c.y() < b.y1 && c.y() + h > b.y0) count = overlap;
    return count + std::size_t(points_in({c.x(), c.y(), c.x() + w, c.y() + h}, points));
  };
  Eigen::Vector2f best = spots.front();
  std::size_t best_count = 2 * overlap;
  const auto consider = [&](const Eigen::Vector2f& c) {
    const std::size_t count = cost(c);
    if (count < best_count) best = c, best_count = count;
    return best_count == 0;
  };
  for (const Eigen::Vector2f& c : spots)
    if (consider(c)) return best;
  // Every edge position covers points: the inside, row by row.
  for (int i = 1; i < kSteps; ++i)
    for (int j = 1; j < kSteps; ++j)
      if (consider({left + float(j) / kSteps * (right - left),
                    top + float(i) / kSteps * (bottom - top)}))
        return best;
  return best;
}

}  // namespace scorelab::view
