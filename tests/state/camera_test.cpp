// The camera's zoom and pan (app/view/camera.h) stop where float positions stop resolving.
#include <doctest/doctest.h>

#include <cmath>

#include "app/view/camera.h"
#include "core/common/rng.h"

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

// Issue 22: at frame 1 of a VE reverse run the prior N(0, σ_max² I) is far wider than the ring
// the camera fits; a view that follows the particles zooms out to the middle 98% of them along
// each axis (about ±2.33 σ), and back to the scene's camera once they are inside it.
TEST_CASE("camera: a view that follows the particles shows the prior, then returns to the data") {
  ViewConfig v;
  v.half_height = 3.5;
  v.follow_particles = true;
  const view::PixelRect plot{0, 0, 1200, 600};  // split view: two 600 × 600 panels
  v.split = true;
  Rng rng(1);
  Points prior(2, 4000);
  for (Index i = 0; i < prior.cols(); ++i) prior.col(i) << 10 * rng.normal(), 10 * rng.normal();
  const ViewConfig wide = view::shown_view(v, plot, prior);
  // The farthest of the four tails (1st and 99th percentiles of 4,000 draws of N(0, 10²) on each
  // axis, each 23.3 ± 0.6; the panels are square) times the 5% margin: within 8%.
  CHECK(wide.half_height == doctest::Approx(1.05 * 23.3).epsilon(0.08));
  CHECK(wide.center_x == v.center_x);
  // The world each panel shows then holds 98% of the particles on each axis.
  const view::PanelLayout l = view::layout_panels(wide, plot);
  Index inside = 0;
  for (Index i = 0; i < prior.cols(); ++i)
    inside += std::abs(prior(0, i)) <= l.worlds[0].hw && std::abs(prior(1, i)) <= l.worlds[0].hh;
  CHECK(double(inside) / double(prior.cols()) >= 0.96);
  // Converged particles (inside the camera) and a NaN: the scene's camera, never a zoom in.
  Points ring(2, 3);
  ring << 2, -2, NAN, 0, 1, 0;
  CHECK(view::shown_view(v, plot, ring) == v);
  // Not following: the scene's camera whatever the particles.
  v.follow_particles = false;
  CHECK(view::shown_view(v, plot, prior) == v);
}
