// The model-density layer on a trained learned panel, beside the exact density: its brightest
// colours are at the data's modes (it is a density of the data, learned), and it is not the exact
// map under another name (the learned panel used to show the data's exact density); zoomed out, it
// marks where the model was not trained.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/scene/exact_score.h"
#include "core/scene/scene.h"
#include "core/train/training_session.h"
#include "window/window_testing.h"

using namespace window_testing;
using nlohmann::json;

namespace {

constexpr int kW = 640, kH = 320;  // two square panels, each [−6, 6]²

}  // namespace

// Its numbers need a trained model (1,000 steps in the window, 96 s under ASan): it runs in the
// Release tree; under the sanitizers the hatched-map test below runs the same map computation
// and drawing on a shorter run.
#ifndef SCORELAB_SANITIZED
TEST_CASE("model density: top-quartile colours at the modes, and not the exact map") {
  // Split view, exact left, learned right; 1,000 training steps (10 per scripted frame), then M at
  // the second-to-last frame computes the map of the trained model (scripted frames wait for it).
  // A 32-texel map at rtol 1e-3 keeps the run to a few seconds.
  const json scene = json::parse(R"({"seed": 2, "data": {"dataset": "ring8"},
      "noise": {"sde": {"kind": "vp"}}, "train": {"lr": 3e-3},
      "view": {"center_x": 0, "center_y": 0, "half_height": 6, "split": true,
               "left": {"source": "exact", "t": 0}, "right": {"source": "learned", "t": 0}},
      "ui": {"show_panels": false, "training": true, "follow_sampler": false},
      "layers": {"data": {"on": false}, "density": {"on": true, "contours": false},
                 "model_density": {"on": true, "resolution": 32, "tol": 1e-3, "nll_points": 50},
                 "score": {"on": false}, "particles": {"on": false, "trail": 0},
                 "axes": {"on": false}}})");
  const fs::path j = temp_dir() / "model_density.json", png = temp_dir() / "model_density.png";
  std::ofstream(j) << scene.dump();
  REQUIRE(run_window("--scene " + j.string() + " --size " + std::to_string(kW) + "x" +
                     std::to_string(kH) + " --frames 100 --press 99:M --screenshot " +
                     png.string()) == 0);
  const Image im = load_png(png.string());

  const double per_px = 12.0 / kH;
  // Panel p's pixel of the world point (wx, wy).
  const auto pixel = [&](int p, double wx, double wy) {
    return std::pair<int, int>{int(p * kW / 2 + kW / 4 + wx / per_px), int(kH / 2 - wy / per_px)};
  };
  // The largest heatmap value within 4 pixels (a mode's centre may sit under a mark), or −1.
  const auto value_near = [&](int x, int y) {
    float best = -1;
    for (int dy = -4; dy <= 4; ++dy)
      for (int dx = -4; dx <= 4; ++dx)
        if (is_heatmap(im.at(x + dx, y + dy)))
          best = std::max(best, viridis_value(im.at(x + dx, y + dy)).first);
    return best;
  };

  // The learned panel's heatmap values (away from the panel's edges and its caption).
  std::vector<float> right;
  float diff = 0;
  int both = 0;
  for (int y = 30; y < kH - 30; y += 3)
    for (int x = kW / 2 + 10; x < kW - 10; x += 3) {
      if (!is_heatmap(im.at(x, y))) continue;
      right.push_back(viridis_value(im.at(x, y)).first);
      if (is_heatmap(im.at(x - kW / 2, y))) {
        diff += std::abs(right.back() - viridis_value(im.at(x - kW / 2, y)).first);
        ++both;
      }
    }
  REQUIRE(right.size() > 1000);
  std::sort(right.begin(), right.end());
  const float q75 = right[right.size() * 3 / 4];
  int modes = 0;
  for (int k = 0; k < 8; ++k) {
    const auto [x, y] = pixel(1, 4 * std::cos(2 * M_PI * k / 8), 4 * std::sin(2 * M_PI * k / 8));
    const float v = value_near(x, y);
    if (v < 0) continue;  // under the legend
    ++modes;
    CAPTURE(k);
    CHECK(v >= q75);
  }
  CHECK(modes >= 5);
  // Mean |learned − exact| colour value at the same world points: measured ~0.3 (the learned
  // density is broader than the exact one, whose valleys sit at the scale's floor).
  INFO("mean colour difference " << diff / both << " over " << both << " points, q75 " << q75);
  CHECK(both > 1000);
  CHECK(diff / both > 0.08f);
}

// Issue 23: zoomed out to three times the data's radius, the learned panel marks where the model
// was not trained. The skip far field's window (core/nn/mlp.h) at the map's level ends at
// 1.5 × the data's reach (fit_reach of the scene's data and train seed, as the trainer fits it,
// ~5.1 for ring8, plus four noise stds of s(t = 1e-3) ≈ 0.01); beyond it the map is hatched, and
// within the reach it is the learned density, unmarked. Hatch lines are one pixel wide every 14
// pixels at 45°: measured, 5.0% of the pixels beyond the edge are not heatmap colours (the
// rest of a line's pixels blend close enough to the purple floor to pass for it); within
// 0.9 × the reach, and in the exact panel beside it (the density layer), 0%. Bounds: above 2%,
// below 1%.
#endif  // SCORELAB_SANITIZED

TEST_CASE("model density: beyond the data's reach the learned map is hatched") {
  const json scene = json::parse(R"({"seed": 2, "data": {"dataset": "ring8"},
      "noise": {"sde": {"kind": "vp"}}, "train": {"lr": 3e-3},
      "view": {"center_x": 0, "center_y": 0, "half_height": 12, "split": true,
               "left": {"source": "exact", "t": 0}, "right": {"source": "learned", "t": 0}},
      "ui": {"show_panels": false, "training": true, "follow_sampler": false},
      "layers": {"data": {"on": false}, "density": {"on": true, "contours": false},
                 "model_density": {"on": true, "resolution": 32, "tol": 1e-3, "nll_points": 0},
                 "score": {"on": false}, "particles": {"on": false, "trail": 0},
                 "axes": {"on": false}}})");
  // Two 600-pixel panels, each [−12, 12]²: their left halves hold no legend.
  constexpr int W = 1200, H = 600;
  const fs::path j = temp_dir() / "model_density_far.json",
                 png = temp_dir() / "model_density_far.png";
  std::ofstream(j) << scene.dump();
  REQUIRE(run_window("--scene " + j.string() + " --size " + std::to_string(W) + "x" +
                     std::to_string(H) + " --frames 30 --press 29:M --screenshot " +
                     png.string()) == 0);
  const Image im = load_png(png.string());
  const scorelab::Scene s = scorelab::parse_scene(scene);
  const auto reach = scorelab::fit_reach(scorelab::make_data_source(s.data), s.train.seed);
  REQUIRE(reach.has_value());
  const double outer = 1.5 * (reach->radius + 0.05), inner = reach->radius;
  const double per_px = 24.0 / H;
  // Fractions of non-heatmap pixels of panel p beyond 1.1 × outer and within 0.9 × inner, over
  // the panel's left half (the legends sit on the right, the caption along the top 40 pixels,
  // the readouts along the bottom 30).
  const auto marked = [&](int p) {
    int far = 0, far_marked = 0, near = 0, near_marked = 0;
    for (int y = 40; y < H - 30; ++y)
      for (int x = p * W / 2 + 4; x < p * W / 2 + W / 4; ++x) {
        const double wx = (x - p * W / 2 - W / 4 + 0.5) * per_px, wy = (H / 2 - y - 0.5) * per_px;
        const double r = std::hypot(wx - reach->center.x(), wy - reach->center.y());
        const bool heat = is_heatmap(im.at(x, y));
        if (r > 1.1 * outer) ++far, far_marked += !heat;
        if (r < 0.9 * inner) ++near, near_marked += !heat;
      }
    REQUIRE(far > 1000);
    REQUIRE(near > 1000);
    return std::pair<double, double>{double(far_marked) / far, double(near_marked) / near};
  };
  const auto [exact_far, exact_near] = marked(0);
  const auto [learned_far, learned_near] = marked(1);
  INFO("non-heatmap pixels, exact: " << exact_far << " beyond, " << exact_near
                                     << " within; learned: " << learned_far << " beyond, "
                                     << learned_near << " within");
  CHECK(learned_far > 0.02);
  CHECK(learned_near < 0.01);
  CHECK(exact_far < 0.01);
}
