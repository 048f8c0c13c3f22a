// Helpers of the tests that run the real scorelab binary under xvfb-run (Mesa llvmpipe, OpenGL
// 4.5 core in software): a scratch directory, running the binary, reading PNGs.
// stb_image's implementation is compiled once, in window_test.cpp.
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <stb/stb_image.h>

#include "app/render/colormap.h"

namespace window_testing {

namespace fs = std::filesystem;

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> rgb;  // row 0 at the top
  const unsigned char* at(int x, int y) const { return &rgb[3 * (std::size_t(y) * w + x)]; }
};

inline Image load_png(const std::string& path) {
  Image im;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &im.w, &im.h, &channels, 3);
  REQUIRE_MESSAGE(data != nullptr, "cannot read " << path);
  im.rgb.assign(data, data + std::size_t(im.w) * im.h * 3);
  stbi_image_free(data);
  return im;
}

// This run's scratch directory, removed when the tests end.
struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("scorelab_window_test_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

inline const fs::path& temp_dir() {
  static const TempDir dir;
  return dir.path;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The shell prefix that runs a command under xvfb-run (with the sanitizer settings of the build)
// on a virtual screen `screen` (WxHxDepth) big enough for the window.
inline std::string xvfb_prefix(const std::string& screen = "1600x1000x24") {
#ifdef SCORELAB_WINDOW_PRELOAD  // AddressSanitizer builds (see tests/CMakeLists.txt)
  const std::string preload = "env LD_PRELOAD=\"" SCORELAB_WINDOW_PRELOAD "\" ";
#else
  const std::string preload;
#endif
  // -f: the X authority file lives in this run's scratch directory. Without it xvfb-run makes
  // and removes a directory of its own, and a failed removal (seen once under parallel ctest)
  // turns the command's exit status into xvfb-run's 5.
  return "LSAN_OPTIONS=suppressions=" SCORELAB_SOURCE_DIR
         "/tests/window/lsan.supp:print_suppressions=0 xvfb-run -a -f " +
         (temp_dir() / "Xauthority").string() + " -s \"-screen 0 " + screen + "\" " + preload;
}

// Runs the binary with `args` under xvfb-run; returns its exit code, stdout in *out and stderr in
// *err when given.
inline int run_window(const std::string& args, std::string* out = nullptr,
                      std::string* err = nullptr, const std::string& screen = "1600x1000x24") {
  const fs::path out_log = temp_dir() / "stdout.txt", err_log = temp_dir() / "stderr.txt";
  const std::string cmd = xvfb_prefix(screen) + SCORELAB_BINARY " " + args + " > " + out_log.string() +
                          " 2> " + err_log.string();
  const int status = std::system(cmd.c_str());
  if (out) *out = read_text(out_log);
  if (err) *err = read_text(err_log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The viridis value t ∈ [0, 1] whose colour is nearest to `rgb`, and that squared distance.
inline std::pair<float, int> viridis_value(const unsigned char* rgb) {
  float best_t = 0;
  int best = 1 << 30;
  for (int i = 0; i <= 255; ++i) {
    const auto c = scorelab::render::colormap_rgb(scorelab::Colormap::Viridis, i / 255.0f);
    int d = 0;
    for (int k = 0; k < 3; ++k) {
      const int e = int(rgb[k]) - int(std::lround(c[k] * 255));
      d += e * e;
    }
    if (d < best) {
      best = d;
      best_t = i / 255.0f;
    }
  }
  return {best_t, best};
}

inline bool is_heatmap(const unsigned char* rgb) { return viridis_value(rgb).second < 3 * 6 * 6; }

}  // namespace window_testing
