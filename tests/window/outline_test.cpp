// The error layer's low-density outline: the contour where p (the exact density at the panel's
// level) equals its chosen quantile over the data points. On ring8 (8 well separated isotropic
// Gaussians, std 0.3) at t = 0.1 (σ = 0.02, total std 0.3007), p falls with the distance r from
// the nearest centre and P(R > r) = exp(−r² / 2σ²), so the 5% quantile lies at
// r = σ √(2 ln 20) = 0.736. The quantile is estimated from 1,000 of the 2,000 data points: its
// standard error in probability is √(0.05 · 0.95 / 1000) = 0.0069, and ±3 of them (q in
// [0.029, 0.071]) move r to [0.69, 0.80]; the line's width adds ±2 pixels (0.05 data units).
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "window/window_testing.h"

using namespace window_testing;
using nlohmann::json;

namespace {

constexpr int kOutlineW = 480, kOutlineH = 480;
constexpr double kHalfHeight = 6;  // data units from the centre to the top edge

Image render_outline(const std::string& name, bool on) {
  json s = json::parse(R"({"seed": 3, "data": {"dataset": "ring8"},
    "view": {"center_x": 0, "center_y": 0, "half_height": 6, "left": {"t": 0.1}},
    "ui": {"show_panels": false, "training": false, "follow_sampler": false},
    "layers": {"data": {"on": false}, "density": {"on": false, "contours": false},
               "score": {"on": false}, "particles": {"on": false, "trail": 0},
               "axes": {"on": false},
               "error": {"on": true, "low_density_outline": {"on": false, "quantile": 0.05}}}})");
  s["layers"]["error"]["low_density_outline"]["on"] = on;
  const fs::path j = temp_dir() / (name + ".json"), png = temp_dir() / (name + ".png");
  std::ofstream(j) << s.dump();
  REQUIRE(run_window("--scene " + j.string() + " --size " + std::to_string(kOutlineW) + "x" +
                     std::to_string(kOutlineH) + " --frames 3 --screenshot " + png.string()) == 0);
  return load_png(png.string());
}

// The outline's cyan (90, 230, 255); nothing else on this plot is cyan (magma has none).
bool is_outline(const unsigned char* c) { return c[0] < 160 && c[1] > 180 && c[2] > 210; }

}  // namespace

TEST_CASE("low-density outline: the 5% quantile contour of ring8 lies 0.74 from each centre") {
  const Image off = render_outline("outline_off", false);
  const Image on = render_outline("outline_on", true);
  std::vector<double> radii;
  int cyan_off = 0;
  for (int y = 0; y < kOutlineH; ++y)
    for (int x = 0; x < kOutlineW; ++x) {
      cyan_off += is_outline(off.at(x, y));
      if (y > kOutlineH - 70) continue;  // the legend line and captions along the bottom
      if (!is_outline(on.at(x, y))) continue;
      const double px = (x + 0.5 - kOutlineW / 2.0) * 2 * kHalfHeight / kOutlineH;
      const double py = (kOutlineH / 2.0 - y - 0.5) * 2 * kHalfHeight / kOutlineH;
      double r = 1e9;
      for (int k = 0; k < 8; ++k) {
        const double a = 2 * M_PI * k / 8;
        r = std::min(r, std::hypot(px - 4 * std::cos(a), py - 4 * std::sin(a)));
      }
      radii.push_back(r);
    }
  CHECK(cyan_off == 0);
  // Eight circles of radius 0.74 data units (30 pixels): about 1,500 pixels of line.
  REQUIRE(radii.size() > 800);
  std::sort(radii.begin(), radii.end());
  const double median = radii[radii.size() / 2];
  CHECK(median > 0.69 - 0.05);
  CHECK(median < 0.80 + 0.05);
  CHECK(radii[radii.size() / 20] > 0.55);       // no stray line near a centre ...
  CHECK(radii[radii.size() * 19 / 20] < 0.95);  // ... or far from the modes
}
