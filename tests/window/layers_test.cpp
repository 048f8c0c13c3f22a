// The layer table in the window: every layer draws (turning it off changes the picture), and the
// window's final particles equal `scorelab sample`'s for the same scene (one seeded stream split
// per scene, the same sampler path).
#include <doctest/doctest.h>

#include <fstream>
#include <span>
#include <nlohmann/json.hpp>

#include "window/window_testing.h"

using namespace window_testing;

namespace {

// Every layer on, split view (left exact, right learned so the error map has a panel), training
// a few steps per frame so the learned panel has a snapshot.
nlohmann::json all_layers_scene() {
  return nlohmann::json::parse(R"({"version": 2, "seed": 1, "particles": 400,
    "data": {"dataset": "ring8", "points": 300},
    "view": {"center_x": 0, "center_y": 0, "half_height": 6.5, "split": true},
    "ui": {"show_panels": false, "training": true, "follow_sampler": false,
           "steps_per_frame": 20},
    "layers": {"data": {"on": true}, "density": {"on": true, "contours": true},
               "score": {"on": true, "streamlines": true}, "error": {"on": true},
               "particles": {"on": true, "trail": 10, "trail_particles": 400},
               "axes": {"on": true, "grid": true}}})");
}

Image render(const std::string& name, const nlohmann::json& scene) {
  const fs::path json = temp_dir() / (name + ".json"), png = temp_dir() / (name + ".png");
  std::ofstream(json) << scene.dump();
  REQUIRE(run_window("--scene " + json.string() + " --size 480x240 --frames 6 --screenshot " +
                     png.string()) == 0);
  return load_png(png.string());
}

// Pixels whose colour differs by more than 24 in some channel.
int changed_pixels(const Image& a, const Image& b) {
  REQUIRE(a.w == b.w);
  REQUIRE(a.h == b.h);
  int n = 0;
  for (int i = 0; i < a.w * a.h; ++i)
    for (int c = 0; c < 3; ++c)
      if (std::abs(int(a.rgb[3 * i + c]) - int(b.rgb[3 * i + c])) > 24) {
        ++n;
        break;
      }
  return n;
}

}  // namespace

TEST_CASE("layers: every layer of the table draws (turning it off changes the picture)") {
  const Image all = render("all_layers", all_layers_scene());
#ifndef SCORELAB_SANITIZED
  // Each layer off in turn, by its switch in the scene's layers block. (Under the sanitizers the
  // picture with every layer on already runs each one's drawing code, and the two layers it leaves
  // off run below: the eight pictures without one layer each, about 20 s apiece under ASan, only
  // compare pixels, which the Release tree checks.)
  const std::pair<const char*, const char*> switches[] = {
      {"/layers/data/on", "data"},          {"/layers/density/on", "density"},
      {"/layers/density/contours", "contours"}, {"/layers/score/on", "arrows"},
      {"/layers/score/streamlines", "streamlines"}, {"/layers/error/on", "error"},
      {"/layers/particles/on", "particles"}, {"/layers/axes/on", "axes"}};
  for (const auto& [pointer, name] : switches) {
    CAPTURE(name);
    nlohmann::json scene = all_layers_scene();
    scene[nlohmann::json::json_pointer(pointer)] = false;
    // At least 0.2% of the pixels (230 of 115,200): a layer that draws nothing changes none.
    CHECK(changed_pixels(all, render(std::string("without_") + name, scene)) > 230);
  }
  nlohmann::json no_trails = all_layers_scene();
  no_trails["layers"]["particles"]["trail"] = 0;
  CHECK(changed_pixels(all, render("without_trails", no_trails)) > 230);
#endif
  // The layers the base scene leaves off (they would cover the others): turning one on changes it.
  for (const char* name : {"noised", "encoding"}) {
    CAPTURE(name);
    nlohmann::json scene = all_layers_scene();
    scene["layers"][name]["on"] = true;
    CHECK(changed_pixels(all, render(std::string("with_") + name, scene)) > 230);
  }
}

TEST_CASE("layers: the noised layer's pairs draw a cyan arrow from each noisy copy to its point") {
  // Lesson 3.2's DSM construction: x̃ with an arrow back to its own x. Nothing else is cyan here
  // (no particles, arrows, heatmap), so cyan pixels are the pairs.
  nlohmann::json scene = nlohmann::json::parse(R"({"version": 2, "seed": 1,
    "data": {"dataset": "moons", "points": 40},
    "view": {"half_height": 3.5, "left": {"source": "exact", "t": 0.5}},
    "ui": {"show_panels": false, "training": false, "follow_sampler": false},
    "layers": {"density": {"on": false}, "score": {"on": false}, "particles": {"on": false},
               "noised": {"on": true, "point_size": 5}}})");
  const auto cyan = [](const Image& im) {
    int n = 0;
    for (int i = 0; i < im.w * im.h; ++i) {
      const unsigned char* p = &im.rgb[3 * i];
      if (p[0] < 170 && p[1] > 170 && p[2] > 200) ++n;
    }
    return n;
  };
  const int without = cyan(render("pairs_off", scene));
  scene["layers"]["noised"]["pairs"] = true;
  const int with = cyan(render("pairs_on", scene));
  CHECK(without < 20);
  CHECK(with > 150);  // 40 arrows of 5-40 pixels each
}

TEST_CASE("determinism: the window's final particles equal scorelab sample's for one scene") {
  const char* scenes[] = {
      R"({"seed": 5, "particles": 300, "data": {"dataset": "moons", "points": 500},
          "noise": {"sde": {"kind": "vp", "N": 100}},
          "sampler": {"kind": "reverse_sde", "eps": 1e-3},
          "ui": {"training": false, "steps_per_frame": 1000}})",
      R"({"seed": 9, "particles": 300,
          "noise": {"schedule": {"sigma_min": 0.3, "sigma_max": 5, "levels": 5}},
          "sampler": {"kind": "annealed_langevin", "steps_per_level": 20},
          "ui": {"training": false, "steps_per_frame": 1000}})",
      // Class guidance: the window wraps the particles' score as `scorelab sample` does.
      R"({"seed": 3, "particles": 300, "data": {"dataset": "two_gaussians"},
          "noise": {"sde": {"N": 200}},
          "sampler": {"kind": "reverse_sde", "condition": {"kind": "class", "component": 0}},
          "ui": {"training": false, "steps_per_frame": 1000}})"};
#ifdef SCORELAB_SANITIZED
  // Equal particles are the Release tree's check; the sanitizers run the window's --particles-out
  // path once (each scene takes about 40 s under ASan).
  const std::span<const char* const> checked(scenes, 1);
#else
  const std::span<const char* const> checked(scenes);
#endif
  int i = 0;
  for (const char* text : checked) {
    const fs::path json = temp_dir() / ("same_" + std::to_string(i) + ".json");
    const fs::path window_csv = temp_dir() / ("window_" + std::to_string(i) + ".csv");
    const fs::path sample_csv = temp_dir() / ("sample_" + std::to_string(i) + ".csv");
    ++i;
    std::ofstream(json) << text;
    REQUIRE(run_window("--scene " + json.string() + " --size 320x200 --frames 2 --particles-out " +
                       window_csv.string()) == 0);
    const std::string cmd = std::string(SCORELAB_BINARY) + " sample --scene " + json.string() +
                            " --out " + sample_csv.string() + " > /dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    const std::string window = read_text(window_csv), sample = read_text(sample_csv);
    REQUIRE(window.size() > 300 * 4);
    CHECK(window == sample);
  }
}
