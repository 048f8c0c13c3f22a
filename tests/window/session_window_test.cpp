// Sessions through the real window: a scene saved by the app (File > Save, scripted with --save)
// and reopened with `scorelab FILE.json` renders the same first frame, pixel for pixel.
#include <doctest/doctest.h>

#include <fstream>

#include "window/window_testing.h"

using namespace window_testing;

TEST_CASE("session: a scene saved by the window and reopened renders the same first frame") {
  const fs::path in = temp_dir() / "session_in.json", saved = temp_dir() / "session_saved.json";
  const fs::path a = temp_dir() / "session_a.png", b = temp_dir() / "session_b.png";
  std::ofstream(in) << R"({"version": 2, "seed": 5, "particles": 300,
    "data": {"dataset": "moons", "points": 400},
    "view": {"center_x": 0.5, "center_y": 0.2, "half_height": 2.5, "split": true,
             "right": {"source": "exact", "t": 0.4}},
    "layers": {"error": {"on": false}, "noised": {"on": true}},
    "ui": {"show_panels": false, "training": false, "steps_per_frame": 5}})";
  const std::string size = " --size 400x300 --frames 1 --screenshot ";
  REQUIRE(run_window("--scene " + in.string() + size + a.string() + " --save " + saved.string()) ==
          0);
  REQUIRE(fs::exists(saved));
  // The positional form opens a saved session.
  REQUIRE(run_window(saved.string() + size + b.string()) == 0);
  const Image first = load_png(a.string()), again = load_png(b.string());
  REQUIRE(first.w == again.w);
  REQUIRE(first.h == again.h);
  CHECK(first.rgb == again.rgb);
  // Saving the reopened session again writes the same file.
  const fs::path twice = temp_dir() / "session_twice.json";
  REQUIRE(run_window(saved.string() + " --size 64x64 --frames 1 --save " + twice.string()) == 0);
  CHECK(read_text(saved) == read_text(twice));
}

TEST_CASE("session: a newer scene file is refused before the window opens, naming the version") {
  const fs::path newer = temp_dir() / "session_newer.json";
  std::ofstream(newer) << R"({"version": 99})";
  std::string err;
  CHECK(run_window(newer.string() + " --frames 1", nullptr, &err) != 0);
  CHECK(err.find("newer than this build") != std::string::npos);
}
