// The README runs as a test, with a display (issue 27): its window and export command lines run in
// the README's order (tests/readme/readme_commands.h reduces them), and the pictures it shows are
// what remake.sh's commands make.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "readme/readme_commands.h"
#include "window/window_testing.h"

using namespace window_testing;

// The sanitizer trees run the window and export paths in their own tests (tests/window); these
// walks, minutes of rendering there, run in Release only.
#ifndef SCORELAB_SANITIZED

namespace {

const std::string kSource = SCORELAB_SOURCE_DIR;

// A fresh directory whose `assets` is the repository's, for commands as a reader types them.
fs::path reader_dir(const std::string& name) {
  const fs::path dir = temp_dir() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::create_directory_symlink(kSource + "/assets", dir / "assets");
  return dir;
}

// The mean of each `block` × `block` square of `im` (colour channels apart), for comparing
// pictures whose particles may sit a pixel or a draw apart: the same cloud gives the same means.
std::vector<double> block_means(const Image& im, int block) {
  std::vector<double> out;
  for (int by = 0; by + block <= im.h; by += block)
    for (int bx = 0; bx + block <= im.w; bx += block)
      for (int c = 0; c < 3; ++c) {
        double sum = 0;
        for (int y = by; y < by + block; ++y)
          for (int x = bx; x < bx + block; ++x) sum += im.at(x, y)[c];
        out.push_back(sum / (block * block));
      }
  return out;
}

// `im` halved by 2 × 2 means (remake.sh stores the lessons at half their drawn size).
Image halved(const Image& im) {
  Image out;
  out.w = im.w / 2, out.h = im.h / 2;
  out.rgb.resize(std::size_t(out.w) * out.h * 3);
  for (int y = 0; y < out.h; ++y)
    for (int x = 0; x < out.w; ++x)
      for (int c = 0; c < 3; ++c)
        out.rgb[(std::size_t(y) * out.w + x) * 3 + c] = static_cast<unsigned char>(
            (im.at(2 * x, 2 * y)[c] + im.at(2 * x + 1, 2 * y)[c] + im.at(2 * x, 2 * y + 1)[c] +
             im.at(2 * x + 1, 2 * y + 1)[c] + 2) /
            4);
  return out;
}

}  // namespace

// Every README command runs in a fresh directory in the README's order (the headless ones too:
// they make the model and points files other lines read; a line whose input another line makes
// further down runs after it), as written but for readme::reduced's reductions, and writes its
// files. A line with a placeholder (FILE.json) is a synopsis, not run.
TEST_CASE("readme: every command, window and export lines too, runs in the README's order") {
  const fs::path dir = reader_dir("readme_run");
  std::vector<readme::Command> pending;
  for (const readme::Command& c : readme::commands(kSource + "/README.md")) {
    if (c.run.empty() || c.run[0] == "--help" || c.run[0] == "bench" || c.run[0] == "bench-edit")
      continue;  // help has its own test; the benchmarks run in tests/app (bench smoke tests)
    if (std::any_of(c.run.begin(), c.run.end(), readme::is_placeholder)) continue;
    pending.push_back(c);
  }
  int window = 0, exports = 0;
  // Passes in the README's order; each runs what has its inputs. A pass that runs nothing ends it.
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    std::vector<readme::Command> later;
    for (const readme::Command& c : pending) {
      const std::vector<std::string> args = readme::reduced(c);
      const std::vector<std::string> in = readme::inputs(args);
      if (std::any_of(in.begin(), in.end(),
                      [&](const std::string& f) { return !fs::exists(dir / f); })) {
        later.push_back(c);
        continue;
      }
      std::string line = "cd '" + dir.string() + "' && " + xvfb_prefix() + SCORELAB_BINARY;
      for (const std::string& a : args) line += " '" + a + "'";
      INFO("README.md:" << c.line << ": " << line);
      CHECK(std::system((line + " >/dev/null 2>&1").c_str()) == 0);
      for (const std::string& file : readme::outputs(args)) CHECK(fs::exists(dir / file));
      window += c.window();
      exports += !c.window() && c.run[0] == "export";
      progress = true;
    }
    pending = later;
  }
  for (const readme::Command& c : pending)
    FAIL_CHECK("README.md:" << c.line << " reads a file no README command makes");
  CHECK(window >= 4);
  CHECK(exports >= 10);
}

// The README's pictures are what remake.sh's commands make: each `half` / `shot` line of the
// script that runs at most 120 frames is run again and compared with the stored picture in 8 × 8
// blocks (block means, so particles a pixel or a different rounding apart give the same cloud):
// the mean block difference at most 3 of 255 and at most 2% of the blocks more than 32 apart.
// Measured here against files made on this machine: 0.001 to 0.05 and 0% (0.27 and 0.4% for the
// default window once, whose status bar reads the training thread's progress); another lesson's
// picture in a picture's place differs by 13.6 (15% of blocks) to 23.6 (25%). The longer lines (a
// network trained for thousands of steps, an export) take minutes or depend on the training
// thread's pace; lesson 1's test compares its picture pixel by pixel
// (tests/window/lessons_test.cpp).
TEST_CASE("readme: its pictures are what remake.sh's commands make, within a stated tolerance") {
  std::ifstream in(kSource + "/assets/screenshots/remake.sh");
  REQUIRE(in);
  const fs::path dir = reader_dir("readme_pictures");
  int compared = 0;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> w = readme::split_words(line.substr(0, line.find("  #")));
    if (w.size() < 3 || (w[0] != "half" && w[0] != "shot")) continue;
    const bool half = w[0] == "half";
    std::string size = half ? "1280x720" : w[2];
    int frames = 0;
    std::string args;
    for (std::size_t i = half ? 2 : 3; i < w.size(); ++i) {
      std::string a = w[i];
      for (const auto& [var, value] :
           {std::pair<std::string, std::string>{"$L/", "assets/lessons/"},
            {"$S/", "assets/screenshots/scenes/"}})
        if (a.rfind(var, 0) == 0) a = value + a.substr(var.size());
      if (w[i - 1] == "--frames") frames = std::stoi(a);
      if (a == "--export" || a.find('$') != std::string::npos) frames = 1 << 30;  // not run
      args += " '" + a + "'";
    }
    if (frames > 120) continue;
    std::string stored = w[1];  // $out/…: assets/screenshots/…
    if (stored.rfind("$out/", 0) == 0) stored = "assets/screenshots/" + stored.substr(5);
    stored = kSource + "/" + stored;
    const fs::path png = dir / "picture.png";
    const std::string cmd = "cd '" + dir.string() + "' && " + xvfb_prefix(size + "x24") +
                            SCORELAB_BINARY " --size " + size + args + " --screenshot " +
                            png.string() + " >/dev/null 2>&1";
    INFO(line);
    REQUIRE(std::system(cmd.c_str()) == 0);
    const Image made = half ? halved(load_png(png.string())) : load_png(png.string());
    const Image shown = load_png(stored);
    REQUIRE(made.w == shown.w);
    REQUIRE(made.h == shown.h);
    const std::vector<double> a = block_means(made, 8), b = block_means(shown, 8);
    double sum = 0;
    std::size_t far = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      sum += std::abs(a[i] - b[i]);
      far += std::abs(a[i] - b[i]) > 32;
    }
    const double mean = sum / double(a.size());
    MESSAGE(stored << ": mean block difference " << mean
                   << ", over 32: " << 100.0 * double(far) / double(a.size()) << "%");
    CHECK(mean <= 3.0);
    CHECK(double(far) <= 0.02 * double(a.size()));
    ++compared;
  }
  CHECK(compared >= 8);
}

#endif  // SCORELAB_SANITIZED
