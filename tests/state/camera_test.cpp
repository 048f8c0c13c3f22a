// The camera's zoom and pan (app/view/camera.h) stop where float positions stop resolving.
#include <doctest/doctest.h>

#include "app/view/camera.h"

using namespace scorelab;

TEST_CASE("camera: zooming in far from the origin stops at what floats resolve there") {
  ViewConfig v;
  v.center_x = 4;
  v.center_y = 1000;
  v.half_height = 1;
  const view::PixelRect panel{0, 0, 800, 600};
  view::zoom(v, panel, 1e6, 400, 300);  // a million times in, at the centre
  CHECK(v.half_height == doctest::Approx(min_half_height(v.center_x, v.center_y)));
  CHECK(v.half_height >= 0.06 - 1e-9);
  // Near the origin the same zoom goes down to the absolute least, 1e-4.
  ViewConfig o;
  view::zoom(o, panel, 1e9, 400, 300);
  CHECK(o.half_height == doctest::Approx(1e-4));
  // Panning a deep view far out widens it as needed.
  view::pan(o, panel, 0, 1e8);  // drag down: the centre moves up by 1e8 pixels' worth
  CHECK(o.half_height >= min_half_height(o.center_x, o.center_y));
}
