// Legend placement (app/view/placement.h): the box goes where it hides the fewest data points,
// a corner first, else along an edge, else inside.
#include <doctest/doctest.h>

#include "app/view/placement.h"

using namespace scorelab;
using Vec = Eigen::Vector2f;

namespace {
// Allowed top-left corners [0, 80] × [0, 60] for a 20 × 40 box: the panel is 100 × 100.
Vec place(const std::vector<Vec>& points) {
  return view::least_covered_spot(0, 0, 80, 60, 20, 40, points);
}
}  // namespace

TEST_CASE("with nothing to hide, the legend takes the top right corner") {
  CHECK(place({}) == Vec(80, 0));
}

TEST_CASE("a corner that hides no data wins over the ones that do") {
  // Data in the top two corners' boxes: the bottom right corner (next in order) is free.
  CHECK(place({{90, 10}, {10, 10}}) == Vec(80, 60));
}

TEST_CASE("when every corner hides data, the legend slides along an edge to a free place") {
  // One point in each corner's box; the middle of the right edge (y 20..60) is free.
  const std::vector<Vec> corners = {{90, 10}, {10, 10}, {90, 90}, {10, 90}};
  const Vec spot = place(corners);
  for (const Vec& p : corners)
    CHECK_FALSE((p.x() >= spot.x() && p.x() <= spot.x() + 20 && p.y() >= spot.y() &&
                 p.y() <= spot.y() + 40));
  const bool on_edge = spot.x() == 0 || spot.x() == 80 || spot.y() == 0 || spot.y() == 60;
  CHECK(on_edge);  // not inside while an edge position is free
}

TEST_CASE("when every place hides data, the legend hides the fewest") {
  // A cluster of three points in the top right corner and one point everywhere else on the
  // border: the top right corner (first in order) would hide three.
  std::vector<Vec> points = {{90, 5}, {92, 8}, {95, 20}};
  for (float t = 0; t <= 100; t += 5)
    points.insert(points.end(), {{t, 1}, {t, 99}, {1, t}, {99, t}});
  const Vec spot = place(points);
  const auto hidden = [&](const Vec& c) {
    int n = 0;
    for (const Vec& p : points)
      n += p.x() >= c.x() && p.x() <= c.x() + 20 && p.y() >= c.y() && p.y() <= c.y() + 40;
    return n;
  };
  CHECK(hidden(spot) < hidden(Vec(80, 0)));
}

TEST_CASE("a legend placed after another avoids its box, even for a spot with a point") {
  // The first legend took the top right corner; the second goes to the next free corner (top
  // left), and with a point there to the bottom right rather than over the first legend.
  const std::vector<view::Box> taken = {{80, 0, 100, 40}};
  CHECK(view::least_covered_spot(0, 0, 80, 60, 20, 40, {}, taken) == Vec(0, 0));
  CHECK(view::least_covered_spot(0, 0, 80, 60, 20, 40, {{10, 10}}, taken) == Vec(80, 60));
}

TEST_CASE("when every edge position hides data, the legend goes inside, where it hides none") {
  // A tall panel's ring: points all along the border band, the middle free (issue 22: at 4K the
  // three-panel noise-scale step put its legend over a mode while the ring's centre was empty).
  std::vector<Vec> points;
  for (float t = 0; t <= 100; t += 4)
    points.insert(points.end(),
                  {{t, 2}, {t, 98}, {2, t}, {98, t}, {t, 24}, {24, t}, {t, 76}, {76, t}});
  const Vec spot = place(points);
  int hidden = 0;
  for (const Vec& p : points)
    hidden +=
        p.x() >= spot.x() && p.x() <= spot.x() + 20 && p.y() >= spot.y() && p.y() <= spot.y() + 40;
  CHECK(hidden == 0);
  CHECK(spot.x() > 0);  // inside: off every edge
  CHECK(spot.x() < 80);
  CHECK(spot.y() > 0);
  CHECK(spot.y() < 60);
}
