// The mesh layer draws its warped grid where the flow map puts the vertices: the exact ring8
// score's prior -> data map carries the prior's grid onto the ring (radius 4), so the amber lines
// sit around the ring and not at its empty centre; the data -> prior map of the same data
// squeezes the data's box into the prior N(0, I) (VP), so they sit inside radius ~3 instead.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "window/window_testing.h"

using namespace window_testing;
using nlohmann::json;

namespace {

constexpr int kSize = 400;

// The warped lines' amber (1, 0.78, 0.3) at 90% over the dark background.
bool is_amber(const unsigned char* rgb) {
  return rgb[0] > 170 && rgb[1] > 110 && rgb[1] < 215 && rgb[2] < 110 && rgb[0] - rgb[2] > 100;
}

// Amber pixels by their distance from the plot's centre, in data units: the plot fills the
// window (no panels, no axes), half_height 6 over kSize pixels.
struct Radii {
  int n = 0, centre = 0, ring = 0, inner = 0;  // all; r < 1.5; 3 < r < 5; r < 3
};

Radii amber_radii(const std::string& name, const std::string& direction) {
  json s = json::parse(R"({"version": 2, "seed": 2, "data": {"dataset": "ring8"},
    "noise": {"sde": {"kind": "vp"}},
    "view": {"center_x": 0, "center_y": 0, "half_height": 6},
    "ui": {"show_panels": false, "training": false},
    "layers": {"data": {"on": false}, "density": {"on": false, "contours": false},
               "score": {"on": false}, "particles": {"on": false, "trail": 0},
               "axes": {"on": false},
               "mesh": {"on": true, "lines": 15, "reference": false}}})");
  s["layers"]["mesh"]["direction"] = direction;
  const fs::path j = temp_dir() / (name + ".json"), png = temp_dir() / (name + ".png");
  std::ofstream(j) << s.dump();
  REQUIRE(run_window("--scene " + j.string() + " --size " + std::to_string(kSize) + "x" +
                     std::to_string(kSize) + " --frames 2 --screenshot " + png.string()) == 0);
  const Image im = load_png(png.string());
  Radii r;
  const double per_px = 12.0 / kSize;
  // Above the bottom 40 pixels: the readout line (in amber's colour family) is there.
  for (int y = 0; y < im.h - 40; ++y)
    for (int x = 0; x < im.w; ++x) {
      if (!is_amber(im.at(x, y))) continue;
      const double rad =
          std::hypot((x + 0.5 - im.w / 2.0) * per_px, (y + 0.5 - im.h / 2.0) * per_px);
      ++r.n;
      r.centre += rad < 1.5;
      r.ring += rad > 3 && rad < 5;
      r.inner += rad < 3;
    }
  MESSAGE(direction << ": " << r.n << " amber pixels, " << r.centre << " within 1.5 of the centre, "
                    << r.ring << " in 3 < r < 5, " << r.inner << " within 3");
  return r;
}

}  // namespace

TEST_CASE("mesh layer: the warped grid is drawn where the flow map puts the vertices") {
  const Radii to_data = amber_radii("mesh_prior_to_data", "prior_to_data");
  // 15 × 15 vertices, 420 segments: at least a few hundred pixels of lines.
  REQUIRE(to_data.n > 300);
  // Most line pixels on or near the ring (the vertices are there; segments between two modes
  // cross the gap, so not all); the ring's empty centre (r < 1.5) almost bare.
  CHECK(to_data.ring > 0.6 * to_data.n);
  CHECK(to_data.centre < 0.05 * to_data.n);

  const Radii to_prior = amber_radii("mesh_data_to_prior", "data_to_prior");
  REQUIRE(to_prior.n > 300);
  CHECK(to_prior.inner > 0.8 * to_prior.n);  // the data's box squeezed into the prior
}
