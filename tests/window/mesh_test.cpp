// The mesh layer draws its warped grid where the flow map puts the vertices: the window's picture
// of the exact ring8 prior -> data mesh against the same mesh computed here by the core (the
// amber pixels lie on its segments, and its segments are drawn), and the data -> prior mesh is
// another picture (its low-density gaps go out along rays through the prior's centre).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/distributions/datasets.h"
#include "core/likelihood/flow_map_mesh.h"
#include "window/window_testing.h"

using namespace window_testing;
using namespace scorelab;
using nlohmann::json;

namespace {

constexpr int kSize = 400;

// The warped lines' amber (1, 0.78, 0.3) at 90% over the dark background.
bool is_amber(const unsigned char* rgb) {
  return rgb[0] > 170 && rgb[1] > 110 && rgb[1] < 215 && rgb[2] < 110 && rgb[0] - rgb[2] > 100;
}

// The plot fills the window (no panels, no axes): half_height 6 over kSize pixels, y up.
constexpr double kPerPx = 12.0 / kSize;  // data units per pixel
// Rows checked: below the panel's caption, above the readout line (in amber's colour family).
constexpr int kTop = 24, kBottom = kSize - 40;

Image render_mesh(const std::string& name, const std::string& direction) {
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
  return load_png(png.string());
}

// Pixels (x, y) within 2 pixels of a segment of `mesh` (its grid lines), as a kSize² mask; and
// how many points sampled every half pixel along the segments, inside the rows checked, `hit` an
// amber pixel within 2 pixels in `im`.
struct SegmentMatch {
  std::vector<char> near;
  int samples = 0, hit = 0;
};

SegmentMatch match_segments(const FlowMesh& mesh, const Image& im) {
  SegmentMatch m;
  m.near.assign(std::size_t(kSize) * kSize, 0);
  const int g = mesh.lines;
  const auto pixel = [](const Eigen::Vector2d& w) {
    return Eigen::Vector2d(kSize / 2.0 + w.x() / kPerPx, kSize / 2.0 - w.y() / kPerPx);
  };
  const auto segment = [&](Index a, Index b) {
    const Eigen::Vector2d p = pixel(mesh.warped.col(a)), q = pixel(mesh.warped.col(b));
    const int steps = std::max(1, int(2 * (q - p).norm()));
    for (int k = 0; k <= steps; ++k) {
      const Eigen::Vector2d c = p + (q - p) * (double(k) / steps);
      const int cx = int(c.x()), cy = int(c.y());
      bool amber = false;
      for (int dy = -2; dy <= 2; ++dy)
        for (int dx = -2; dx <= 2; ++dx) {
          const int x = cx + dx, y = cy + dy;
          if (x < 0 || y < 0 || x >= kSize || y >= kSize) continue;
          m.near[std::size_t(y) * kSize + x] = 1;
          amber |= is_amber(im.at(x, y));
        }
      if (cx >= 2 && cx < kSize - 2 && cy >= kTop && cy < kBottom) ++m.samples, m.hit += amber;
    }
  };
  for (int j = 0; j < g; ++j)
    for (int i = 0; i + 1 < g; ++i) {
      segment(Index(j) * g + i, Index(j) * g + i + 1);
      segment(Index(i) * g + j, Index(i + 1) * g + j);
    }
  return m;
}

int amber_pixels(const Image& im, const std::vector<char>* outside = nullptr) {
  int n = 0;
  for (int y = kTop; y < kBottom; ++y)
    for (int x = 0; x < kSize; ++x)
      if (is_amber(im.at(x, y)) && !(outside && (*outside)[std::size_t(y) * kSize + x])) ++n;
  return n;
}

}  // namespace

TEST_CASE("mesh layer: the warped grid is drawn where the flow map puts the vertices") {
  const Image to_data = render_mesh("mesh_prior_to_data", "prior_to_data");
  // The same mesh as the window's: ring8's exact score, VP, the prior's grid, RK45 at 1e-5.
  SdeParams p;
  p.kind = SdeKind::VP;
  const Sde sde(p);
  FlowMesh mesh;
  REQUIRE(flow_map_mesh(ring8(), sde, FlowDirection::PriorToData, prior_region(sde), 15,
                        likelihood_start_time(p, 0.0), 1e-5, mesh));
  const SegmentMatch m = match_segments(mesh, to_data);
  const int amber = amber_pixels(to_data), stray = amber_pixels(to_data, &m.near);
  MESSAGE("prior -> data: " << amber << " amber pixels, " << stray << " off the mesh's segments; "
                            << m.hit << " of " << m.samples << " segment points drawn");
  // 15 × 15 vertices, 420 segments: thousands of pixels of lines.
  REQUIRE(amber > 1000);
  // Lines only where the segments are (2 pixels of slack for rounding and line rasterisation)...
  // and the segments drawn. Measured: no stray pixel, every segment point drawn; the slack below
  // is for another rasteriser (a wrong region, direction or y axis moves most lines elsewhere).
  CHECK(stray < 0.01 * amber);
  CHECK(m.hit > 0.95 * m.samples);

  // The other direction draws another mesh, where its segments are not.
  const Image to_prior = render_mesh("mesh_data_to_prior", "data_to_prior");
  const int amber2 = amber_pixels(to_prior), stray2 = amber_pixels(to_prior, &m.near);
  MESSAGE("data -> prior: " << amber2 << " amber pixels, " << stray2 << " off prior -> data's");
  REQUIRE(amber2 > 1000);
  CHECK(stray2 > 0.5 * amber2);  // measured 73%
}
