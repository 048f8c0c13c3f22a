// Small multiples under a real window and a real export: a 4-panel σ sweep draws four different
// heatmaps, and with the shared scale the same colour means the same log p in every panel (read
// back from the pixels and compared with core's exact log p at each pixel's data position).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/render/colormap.h"
#include "core/scene/exact_score.h"
#include "core/scene/scene.h"
#include "core/scene/streams.h"
#include "window/window_testing.h"

using namespace window_testing;
using namespace scorelab;
using nlohmann::json;

namespace {

constexpr int kMultiplesW = 640, kMultiplesH = 480;  // 2 × 2 panels of 320 × 240 (nearer square than 4 × 1)
constexpr double kRange = 12;      // layers.density.range, nats

// A 4-panel VE σ sweep of ring8, t from 0.45 (σ 0.22) to 1 (σ 10), the density alone.
json sweep_scene(bool lock) {
  json s = json::parse(R"({"seed": 2, "particles": 50, "data": {"dataset": "ring8"},
    "sampler": {"kind": "reverse_sde", "predictor": "euler_maruyama", "corrector": "none"},
    "view": {"center_x": 0, "center_y": 0, "half_height": 6,
             "multiples": {"on": true, "across": "levels", "count": 4, "t_min": 0.45,
                           "t_max": 1}},
    "ui": {"show_panels": false, "training": false},
    "layers": {"data": {"on": false},
               "density": {"on": true, "contours": false, "resolution": 512, "range": 12},
               "score": {"on": false}, "particles": {"on": false, "trail": 0},
               "axes": {"on": false}}})");
  s["layers"]["density"]["lock_scale"] = lock;
  return s;
}

// What the heatmap pixels of each panel say against the exact log p at their data positions.
struct Readout {
  std::vector<float> mean_v;  // per panel: mean colour value of its heatmap pixels
  std::vector<double> residual;  // per unclamped sample: log p − v·range − (the common offset)
  std::vector<int> panel;        // the sample's panel
};

// The panels' t (the scene's sweep: 0.45 to 1 in four steps).
constexpr std::array<double, 4> kSweepT = {0.45, 0.45 + 0.55 / 3, 0.45 + 1.1 / 3, 1.0};

// `ts`: the t at which each panel's pixels are compared with log p (kSweepT, or a wrong one).
Readout read_panels(const Image& im, const json& scene_json,
                    const std::array<double, 4>& ts = kSweepT) {
  REQUIRE(im.w == kMultiplesW);
  REQUIRE(im.h == kMultiplesH);
  const Scene scene = parse_scene(scene_json);
  Rng rng = scene_streams(scene.seed).data;
  const SceneData data = make_scene_data(scene.data, rng);
  REQUIRE(data.exact->has_log_density());
  const Sde sde(scene.noise.sde);
  const double hh = scene.view.half_height;
  const int pw = kMultiplesW / 2, ph = kMultiplesH / 2;
  const double hw = hh * pw / ph;

  Readout out;
  std::vector<double> diffs;  // log p − v·range of every unclamped sample
  for (int p = 0; p < 4; ++p) {
    const NoiseLevel level = sde.level(ts[p]);
    const int x0 = (p % 2) * pw, y0 = (p / 2) * ph;
    double sum_v = 0;
    int n_v = 0;
    // Every 6th pixel, below the caption line; the heatmap's own colours only.
    for (int y = y0 + 24; y < y0 + ph - 2; y += 6)
      for (int x = x0 + 4; x < x0 + pw - 4; x += 6) {
        const auto [v, d2] = viridis_value(im.at(x, y));
        if (d2 >= 3 * 6 * 6) continue;
        sum_v += v;
        ++n_v;
        if (v < 0.02f || v > 0.98f) continue;  // clamped: below or above the colour range
        // The pixel centre's data position.
        Points xy(2, 1);
        xy(0, 0) = float(-hw + (x + 0.5 - x0) / pw * 2 * hw);
        xy(1, 0) = float(hh - (y + 0.5 - y0) / ph * 2 * hh);
        Values lp;
        data.exact->log_density(xy, level, lp);
        diffs.push_back(double(lp[0]) - double(v) * kRange);
        out.panel.push_back(p);
      }
    REQUIRE(n_v > 500);
    out.mean_v.push_back(float(sum_v / n_v));
  }
  REQUIRE(diffs.size() > 400);
  // The common offset (the colour range's bottom, in nats): the median, robust to the few
  // legend-bar pixels the sampling grid may hit.
  std::vector<double> sorted = diffs;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double offset = sorted[sorted.size() / 2];
  for (double d : diffs) out.residual.push_back(d - offset);
  return out;
}

// The fraction of samples whose colour gives their log p within `tol` nats through one offset.
double agreeing(const Readout& r, double tol) {
  const auto n = std::count_if(r.residual.begin(), r.residual.end(),
                               [&](double e) { return std::abs(e) < tol; });
  return double(n) / double(r.residual.size());
}

// No two panels alike: their mean colour values differ pairwise.
void four_different(const Readout& r) {
  for (int a = 0; a < 4; ++a)
    for (int b = a + 1; b < 4; ++b) CHECK(std::abs(r.mean_v[a] - r.mean_v[b]) > 0.03f);
}

Image render_window(const std::string& name, const json& scene) {
  const fs::path j = temp_dir() / (name + ".json"), png = temp_dir() / (name + ".png");
  std::ofstream(j) << scene.dump();
  REQUIRE(run_window("--scene " + j.string() + " --size " + std::to_string(kMultiplesW) + "x" +
                     std::to_string(kMultiplesH) + " --frames 2 --screenshot " + png.string()) == 0);
  return load_png(png.string());
}

// Tolerance: a colour is one of 256 steps of a 12-nat range (0.05 nats); the texture is bilinear
// at 512 texels across a 320-pixel panel, so its interpolation error is under 0.05 nats where
// |∇² log p| ≤ 1/σ² = 20 (σ ≥ 0.22); 0.25 nats leaves room for both. The legend's colour bar
// (sampled by chance) is why 97%, not all.
constexpr double kTolNats = 0.25, kAgreeing = 0.97;

}  // namespace

TEST_CASE("small multiples: a 4-panel sigma sweep, one colour = one log p in every panel") {
  const json scene = sweep_scene(true);
  const Image im = render_window("multiples_locked", scene);
  const Readout r = read_panels(im, scene);
  // Four different heatmaps, from the sharp ring to nearly flat.
  four_different(r);
  // Every panel contributes samples, and one offset explains them all.
  for (int p = 0; p < 4; ++p) CHECK(std::count(r.panel.begin(), r.panel.end(), p) > 20);
  MESSAGE("locked: " << agreeing(r, kTolNats) << " of " << r.residual.size()
                      << " samples within " << kTolNats << " nats");
  CHECK(agreeing(r, kTolNats) >= kAgreeing);

  // The check tells levels apart: the same pixels read against the panels' levels in reverse
  // order fit no common offset.
  const Readout wrong = read_panels(im, scene, {kSweepT[3], kSweepT[2], kSweepT[1], kSweepT[0]});
  MESSAGE("levels reversed: " << agreeing(wrong, kTolNats));
  CHECK(agreeing(wrong, kTolNats) < 0.6);

  // Small multiples share the scale even with lock_scale off (each panel on its own scale, the
  // same colour would mean a different log p in each).
  const json unlocked = sweep_scene(false);
  const Readout u = read_panels(render_window("multiples_unlocked", unlocked), unlocked);
  CHECK(agreeing(u, kTolNats) >= kAgreeing);
}

TEST_CASE("export of small multiples: one PNG with every panel on the shared scale") {
  const json scene = sweep_scene(true);
  const fs::path j = temp_dir() / "multiples_export.json", png = temp_dir() / "multiples.png";
  std::ofstream(j) << scene.dump();
  REQUIRE(run_window("export --scene " + j.string() + " --out " + png.string() + " --size " +
                     std::to_string(kMultiplesW) + "x" + std::to_string(kMultiplesH)) == 0);
  const Image im = load_png(png.string());
  const Readout r = read_panels(im, scene);
  four_different(r);
  CHECK(agreeing(r, kTolNats) >= kAgreeing);
  // The separators between the panels: grey lines down the middle and across.
  const unsigned char* mid = im.at(kMultiplesW / 2, kMultiplesH / 4);
  const unsigned char* across = im.at(kMultiplesW / 4, kMultiplesH / 2);
  CHECK(std::abs(int(mid[0]) - 200) < 30);
  CHECK(std::abs(int(across[1]) - 200) < 30);

  // A sweep would move no panel of a sweep across levels: refused before any rendering.
  std::string err;
  CHECK(run_window("export --scene " + j.string() + " --sweep sigma --out " +
                       (temp_dir() / "refused.gif").string(),
                   nullptr, &err) == 2);
  CHECK(err.find("small multiples across levels") != std::string::npos);
  CHECK_FALSE(fs::exists(temp_dir() / "refused.gif"));
}
