// Lessons in the window: every shipped lesson opens (--lesson) and walks through all its steps
// with the Right key, as a lecturer would, without a word on stderr, and its last step's picture
// is not trivial. Under the sanitizers only every third lesson runs (each run is several times
// slower there); the Release tree runs them all.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <string>

#include "core/lesson/lesson.h"
#include "window/window_testing.h"

using namespace window_testing;

namespace {

#ifdef SCORELAB_SANITIZED
constexpr int kEvery = 3;
#else
constexpr int kEvery = 1;
#endif
constexpr int kFramesPerStep = 3;

}  // namespace

TEST_CASE("lessons: each opens, walks every step with the Right key, and draws a real picture") {
  const std::vector<std::string> files =
      scorelab::lesson_files(std::string(SCORELAB_SOURCE_DIR) + "/assets/lessons");
  REQUIRE(files.size() >= 11);
  for (std::size_t i = 0; i < files.size(); i += kEvery) {
    const std::string& file = files[i];
    INFO("lesson: ", file);
    const int steps = int(scorelab::load_lesson(file).steps.size());
    // Right at frames 3, 6, ...: the last step is shown from frame 3 (steps − 1) on.
    std::string presses;
    for (int k = 1; k < steps; ++k) {
      if (!presses.empty()) presses += ',';
      presses += std::to_string(k * kFramesPerStep);
      presses += ":Right";
    }
    const fs::path png = temp_dir() / ("lesson_" + std::to_string(i) + ".png");
    std::string err;
    const int rc = run_window("--lesson " + file + " --size 640x400 --frames " +
                                  std::to_string(steps * kFramesPerStep + 2) + " --press " +
                                  presses + " --screenshot " + png.string(),
                              nullptr, &err);
    CHECK(rc == 0);
    CHECK_MESSAGE(err.empty(), err);
    if (rc != 0) continue;
    const Image im = load_png(png.string());
    REQUIRE(im.w == 640);
    // Not trivial: many colours in the whole window, and the plot (right of the side panel,
    // above the lesson text) is not one colour.
    std::set<int> colours, plot_colours;
    for (int y = 0; y < im.h; y += 2)
      for (int x = 0; x < im.w; x += 2) {
        const unsigned char* p = im.at(x, y);
        const int c = (p[0] << 16) | (p[1] << 8) | p[2];
        colours.insert(c);
        if (x > im.w / 2 && y < im.h / 2) plot_colours.insert(c);
      }
    CHECK(colours.size() >= 200);
    CHECK(plot_colours.size() >= 20);
  }
}

TEST_CASE("lessons: a bad --step or lesson file exits 1 with a message naming it") {
  const std::string file = std::string(SCORELAB_SOURCE_DIR) + "/assets/lessons/01_score_function.json";
  std::string err;
  CHECK(run_window("--lesson " + file + " --step 99 --frames 1", nullptr, &err) == 1);
  CHECK(err.find("--step 99") != std::string::npos);
  const fs::path bad = temp_dir() / "bad_lesson.json";
  std::ofstream(bad) << R"({"title": "t", "base": {}, "steps": [{"caption": "c", "patch": {"particles": 0}}]})";
  CHECK(run_window("--lesson " + bad.string() + " --frames 1", nullptr, &err) == 1);
  CHECK(err.find("bad_lesson.json: step 1: particles") != std::string::npos);
  CHECK(run_window("--step 2 --frames 1") == 2);
}
