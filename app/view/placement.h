// Where a box (the legends) goes in a panel so that it hides the fewest data points.
#pragma once
#include <Eigen/Core>
#include <vector>

namespace scorelab::view {

// The top-left corner, in window pixels, for a w × h box whose corner may lie anywhere in
// [left, right] × [top, bottom], covering the fewest of `points` (window pixels). Tried in order:
// the four corners (top right, top left, bottom right, bottom left), then 7 positions along each
// edge; the first of the best wins, so a corner is kept while it covers no more than an edge
// position. Inside (a 7 × 7 grid) only when every edge position covers points: a box there hides
// what lies between the data, which is better than hiding data (a tall panel's ring leaves its
// centre free, its edges not).
// Boxes already placed (legends placed one by one) are in `taken` (x0, y0, x1, y1): a spot that
// overlaps one is not used while another is free of them.
struct Box {
  float x0, y0, x1, y1;
};
// How many of `points` lie in the box (edges included).
int points_in(const Box& box, const std::vector<Eigen::Vector2f>& points);

Eigen::Vector2f least_covered_spot(float left, float top, float right, float bottom, float w,
                                   float h, const std::vector<Eigen::Vector2f>& points,
                                   const std::vector<Box>& taken = {});

}  // namespace scorelab::view
