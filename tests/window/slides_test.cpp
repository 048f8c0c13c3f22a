// Issue 12 in the real binary: trails drawn from each panel's persistent canvas (they appear, and a
// view change or a restart clears them), the frame benchmark that keeps the sampler running, and
// exports for slides (the default GIF's size, one frame for one picture, layer and source flags).
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "window/window_testing.h"

using namespace window_testing;

namespace {

// Particles with long trails on a plain background (the other layers off), 300 particles whose
// run lasts 200 steps at 10 steps per frame; the view is wider than F (fit) makes it.
fs::path trails_scene(const std::string& name, int trail) {
  nlohmann::json scene = nlohmann::json::parse(R"({"seed": 3, "particles": 300,
    "data": {"dataset": "ring8"},
    "noise": {"sde": {"kind": "ve", "sigma_min": 0.01, "sigma_max": 10, "N": 200}},
    "view": {"center_x": 0, "center_y": 0, "half_height": 9},
    "ui": {"show_panels": false, "training": false, "steps_per_frame": 10},
    "layers": {"data": {"on": false}, "density": {"on": false}, "score": {"on": false},
               "axes": {"on": false}, "particles": {"trail_particles": 300}}})");
  scene["layers"]["particles"]["trail"] = trail;
  const fs::path path = temp_dir() / (name + ".json");
  std::ofstream(path) << scene.dump();
  return path;
}

// Pixels of trail colour: the particles' pink (1, 0.45, 0.7) at the trail's opacity (≤ 0.6)
// over the dark background, so dimmer than a particle (red ≥ 240) and redder than the
// background (red 18).
int trail_pixels(const Image& im) {
  int n = 0;
  for (int i = 0; i < im.w * im.h; ++i) {
    const unsigned char* p = &im.rgb[3 * std::size_t(i)];
    n += p[0] > 40 && p[0] < 200 && p[0] > p[1] + 15;
  }
  return n;
}

Image run_trails(const std::string& name, int trail, const std::string& press = "") {
  const fs::path png = temp_dir() / (name + ".png");
  REQUIRE(run_window("--scene " + trails_scene(name, trail).string() +
                     " --size 320x200 --frames 14 --screenshot " + png.string() +
                     (press.empty() ? "" : " --press " + press)) == 0);
  return load_png(png.string());
}

}  // namespace

TEST_CASE("trails: they appear, and a view change (F) or a restart (R) clears them") {
  const int plain = trail_pixels(run_trails("no_trails", 0));
  const int trails = trail_pixels(run_trails("trails", 100)) - plain;
  CAPTURE(plain);
  CAPTURE(trails);
  CHECK(trails > 1500);  // 300 particles × 13 segments of several pixels
  // F at frame 12 fits the view: the canvas starts again, only the last two segments show.
  const int after_fit = trail_pixels(run_trails("trails_fit", 100, "12:F")) - plain;
  CAPTURE(after_fit);
  CHECK(after_fit < trails / 3);
  // R at frame 12 restarts the sampler: the old run's trails are gone.
  const int after_restart = trail_pixels(run_trails("trails_restart", 100, "12:R")) - plain;
  CAPTURE(after_restart);
  CHECK(after_restart < trails / 3);
}

TEST_CASE("the frame benchmark restarts a finished sampler run and says how often") {
  // 20 steps at 10 per frame: a run lasts 2 frames, so the 40 measured frames restart it often.
  // (Under the sanitizers 12 frames, about 2 s apiece there with training on: the same restart
  // path; Release counts the 40.)
#ifdef SCORELAB_SANITIZED
  constexpr int kFrames = 12, kRestarts = 3;
#else
  constexpr int kFrames = 40, kRestarts = 10;
#endif
  const fs::path scene = temp_dir() / "bench_short.json";
  std::ofstream(scene) << R"({"version": 2, "particles": 200,
    "noise": {"sde": {"kind": "ve", "sigma_min": 0.01, "sigma_max": 10, "N": 20}},
    "ui": {"steps_per_frame": 10}, "train": {"batch": 32}, "model": {"width": 16}})";
  std::string out;
  REQUIRE(run_window("--bench-frames " + std::to_string(kFrames) + " --size 160x100 --scene " +
                         scene.string(),
                     &out) == 0);
  const auto j = nlohmann::json::parse(out);
  CHECK(j["frames"] == kFrames);
  CHECK(j["sampler_restarts"].get<int>() >= kRestarts);
  CHECK(j.contains("particles_with_trail"));
}

TEST_CASE("export: the default scene's GIF fits a slide (under 12 MB), with its estimate") {
#ifdef SCORELAB_SANITIZED
  // The size of an 800 × 800, 80-frame GIF is a number the Release tree checks; under the
  // sanitizers it took 100 s, and the export's paths run in the other export tests here and
  // the GIF encoder's in tests/encode/gif_test.cpp.
  MESSAGE("the default GIF's size is checked in the Release tree");
  return;
#endif
  const fs::path gif = temp_dir() / "default.gif";
  std::string out, err;
  REQUIRE(run_window("export --out " + gif.string(), &out, &err) == 0);
  CAPTURE(err);
  CHECK(fs::file_size(gif) < 12'000'000);
  CHECK(err.find("estimated size") != std::string::npos);
  CHECK(err.find("80 frames") != std::string::npos);
}

TEST_CASE("export: a single PNG renders one frame, the run's last") {
  const fs::path png = temp_dir() / "one.png";
  std::string out, err;
  REQUIRE(run_window("export --out " + png.string() + " --size 160x100 --train-steps 0", &out,
                     &err) == 0);
  CAPTURE(err);
  CHECK(err.find("1 frame (frame 250 of the run)") != std::string::npos);
  CHECK(load_png(png.string()).w == 160);
}

TEST_CASE("export: --layers and --source change the picture, unknown names are refused") {
  const auto render = [](const std::string& name, const std::string& flags) {
    const fs::path png = temp_dir() / (name + ".png");
    REQUIRE(run_window("export --out " + png.string() + " --size 160x100 --train-steps 0 " +
                       flags) == 0);
    return load_png(png.string());
  };
  const Image all = render("flags_all", "");
  const Image density = render("flags_density", "--layers density");
  const Image split = render("flags_split", "--source exact,learned");
  CHECK(all.rgb != density.rgb);
  CHECK(all.rgb != split.rgb);
  // Density alone: no pink particles anywhere.
  int pink = 0;
  for (int i = 0; i < density.w * density.h; ++i)
    pink += density.rgb[3 * i] > 200 && density.rgb[3 * i + 1] < 150;
  CHECK(pink == 0);
  std::string err;
  CHECK(run_window("export --out " + (temp_dir() / "x.png").string() + " --layers dentsity",
                   nullptr, &err) == 2);
  CHECK(err.find("dentsity") != std::string::npos);
  CHECK(run_window("export --out " + (temp_dir() / "x.png").string() + " --source both",
                   nullptr, &err) == 2);
}

TEST_CASE("a dense cluster of particles shows the dot colour inside one rim, not a black blob") {
  // 2,000 particles in a 0.6-wide box (one Langevin step of α = 1e-5 barely moves them), in
  // presenter mode: white dots with black rims. Overlapping dots must show white where any dot's
  // centre covers a pixel; keeping the most rim instead painted the cluster black (401 white
  // pixels where the fix gives 1,772).
  const fs::path json = temp_dir() / "dense_cluster.json", png = temp_dir() / "dense_cluster.png";
  std::ofstream(json) << R"({"seed": 1, "particles": 2000,
    "sampler": {"kind": "langevin", "step_size": 1e-5, "steps": 1,
                "init": {"kind": "uniform", "lo": -0.3, "hi": 0.3}},
    "view": {"center_x": 0, "center_y": 0, "half_height": 3},
    "ui": {"show_panels": false, "training": false},
    "layers": {"data": {"on": false}, "density": {"on": false, "contours": false},
               "score": {"on": false}, "axes": {"on": false}, "particles": {"trail": 0}}})";
  REQUIRE(run_window("--scene " + json.string() + " --presenter --size 640x360 --frames 3 " +
                     "--screenshot " + png.string()) == 0);
  const Image im = load_png(png.string());
  int white = 0, black = 0;
  for (int i = 0; i < im.w * im.h; ++i) {
    const unsigned char* p = &im.rgb[3 * std::size_t(i)];
    white += p[0] > 200 && p[1] > 200 && p[2] > 200;
    black += p[0] < 20 && p[1] < 20 && p[2] < 20;
  }
  INFO("white " << white << ", black " << black);
  // The cluster is about 40 pixels across (0.6 units at 60 pixels per unit, plus a dot): at least
  // 650 white pixels, under half of what it shows.
  CHECK(white >= 650);
}
