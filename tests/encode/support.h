// Helpers for the encoder tests: scratch directories, synthetic frames, GIF decoding (giflib)
// and picture comparison.
#pragma once
#include <gif_lib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/encode/frame_sink.h"

namespace encode_testing {

namespace fs = std::filesystem;
using scorelab::encode::Image;

// A fresh directory under /tmp (mkdtemp), removed with everything in it at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/scorelab_encode_test_XXXXXX";
    if (!::mkdtemp(name)) throw std::runtime_error("mkdtemp failed");
    path = name;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return path + "/" + name; }
  // The names in the directory, sorted (temporaries included: they are hidden, not skipped).
  std::vector<std::string> entries() const { return list(path); }
  static std::vector<std::string> list(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Frame t of a test animation: a smooth colour ramp (red along x, green along y, constant blue)
// with a 10×10 square moving 3 pixels right per frame.
inline Image ramp_frame(int width, int height, int t) {
  Image image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      std::uint8_t* p = &image.rgb[(std::size_t(y) * width + x) * 3];
      p[0] = static_cast<std::uint8_t>(std::lround(255.0 * x / (width - 1)));
      p[1] = static_cast<std::uint8_t>(std::lround(255.0 * y / (height - 1)));
      p[2] = 128;
    }
  const int left = 4 + 3 * t, top = height / 3;
  for (int y = top; y < std::min(height, top + 10); ++y)
    for (int x = left; x < std::min(width, left + 10); ++x) {
      std::uint8_t* p = &image.rgb[(std::size_t(y) * width + x) * 3];
      p[0] = 250, p[1] = 250, p[2] = 40;
    }
  return image;
}

// Incompressible pixels (a fixed-seed LCG), to fill a small disk quickly.
inline Image noise_frame(int width, int height, std::uint32_t seed) {
  Image image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
  for (auto& v : image.rgb) {
    seed = seed * 1664525u + 1013904223u;
    v = static_cast<std::uint8_t>(seed >> 24);
  }
  return image;
}

// Mean |a − b| over all channels of all pixels, in 0..255 units.
inline double mean_abs_diff(const Image& a, const Image& b) {
  if (a.rgb.size() != b.rgb.size() || a.rgb.empty()) return 1e9;
  double sum = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) sum += std::abs(int(a.rgb[i]) - int(b.rgb[i]));
  return sum / double(a.rgb.size());
}

// A GIF read back with giflib: each frame composited onto the canvas, as a viewer shows it.
struct DecodedGif {
  bool ok = false;
  int width = 0, height = 0, image_count = 0;
  bool loops_forever = false;          // NETSCAPE2.0 extension with loop count 0
  std::vector<int> delays, disposals;  // per frame, from its graphics control block
  std::vector<Image> frames;           // composited pictures
  std::vector<int> rect_areas;         // pixels stored for each frame
};

inline DecodedGif decode_gif(const std::string& path) {
  DecodedGif out;
  int error = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
  if (!gif) return out;
  if (DGifSlurp(gif) != GIF_OK || !gif->SColorMap) {
    DGifCloseFile(gif, &error);
    return out;
  }
  out.width = gif->SWidth, out.height = gif->SHeight, out.image_count = gif->ImageCount;
  Image canvas{out.width, out.height,
               std::vector<std::uint8_t>(std::size_t(out.width) * out.height * 3)};
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& image = gif->SavedImages[i];
    for (int e = 0; e + 1 < image.ExtensionBlockCount; ++e) {
      const ExtensionBlock& a = image.ExtensionBlocks[e];
      const ExtensionBlock& b = image.ExtensionBlocks[e + 1];
      if (a.Function == APPLICATION_EXT_FUNC_CODE && a.ByteCount == 11 &&
          std::string(reinterpret_cast<const char*>(a.Bytes), 11) == "NETSCAPE2.0" &&
          b.ByteCount == 3 && b.Bytes[0] == 1 && b.Bytes[1] == 0 && b.Bytes[2] == 0)
        out.loops_forever = true;
    }
    GraphicsControlBlock control;
    if (DGifSavedExtensionToGCB(gif, i, &control) == GIF_OK) {
      out.delays.push_back(control.DelayTime);
      out.disposals.push_back(control.DisposalMode);
    } else {
      out.delays.push_back(-1);
      out.disposals.push_back(-1);
    }
    const GifImageDesc& d = image.ImageDesc;
    const ColorMapObject* map = d.ColorMap ? d.ColorMap : gif->SColorMap;
    out.rect_areas.push_back(d.Width * d.Height);
    for (int y = 0; y < d.Height; ++y)
      for (int x = 0; x < d.Width; ++x) {
        const int cx = d.Left + x, cy = d.Top + y;
        if (cx >= out.width || cy >= out.height) continue;
        const GifColorType& c = map->Colors[image.RasterBits[y * d.Width + x]];
        std::uint8_t* p = &canvas.rgb[(std::size_t(cy) * out.width + cx) * 3];
        p[0] = c.Red, p[1] = c.Green, p[2] = c.Blue;
      }
    out.frames.push_back(canvas);
  }
  DGifCloseFile(gif, &error);
  out.ok = true;
  return out;
}

// Writes `frames` with the options' format and returns the sink's describe() after finish().
inline std::string export_frames(scorelab::encode::Format format,
                                 const scorelab::encode::SinkOptions& options,
                                 const std::vector<Image>& frames) {
  auto sink = scorelab::encode::open_sink(format, options);
  for (const Image& f : frames) sink->add(f);
  sink->finish();
  return sink->describe();
}

// True if the program is found in a directory of $PATH.
inline bool on_path(const std::string& name) {
  const char* env = std::getenv("PATH");
  std::string path = env ? env : "";
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find(':', begin), path.size());
    const std::string file = path.substr(begin, end - begin) + "/" + name;
    if (::access(file.c_str(), X_OK) == 0) return true;
    begin = end + 1;
  }
  return false;
}

// A tiny tmpfs mounted on a fresh directory for the length of a test (root only); `ok` is false
// when mounting is not possible here (not root, no CAP_SYS_ADMIN), and the test then skips.
struct SmallDisk {
  TempDir dir;
  bool ok = false;
  explicit SmallDisk(const std::string& options) {
    const std::string command =
        "mount -t tmpfs -o " + options + " tmpfs '" + dir.path + "' 2>/dev/null";
    ok = ::geteuid() == 0 && std::system(command.c_str()) == 0;
  }
  ~SmallDisk() {
    if (ok) std::system(("umount '" + dir.path + "'").c_str());
  }
};

}  // namespace encode_testing
