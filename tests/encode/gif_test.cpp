// GIF export: frames, delays and looping read back with giflib; colour fidelity of the global
// palette (with and without hints); changed-rectangle frames; byte-identical reruns; speed.
#include <doctest/doctest.h>

#include <numeric>

#include "app/encode/frame_sink.h"
#include "support.h"

using namespace encode_testing;
using namespace scorelab::encode;

TEST_CASE("GIF - 10 frames decode with their size, delays, loop and colours") {
  const TempDir dir;
  const SinkOptions options{dir.file("anim.gif"), 64, 48, 25, {}};
  std::vector<Image> frames;
  for (int t = 0; t < 10; ++t) frames.push_back(ramp_frame(64, 48, t));
  CHECK(export_frames(Format::Gif, options, frames) == "GIF 64x48, 10 frames, 25 fps");

  const DecodedGif gif = decode_gif(options.path);
  REQUIRE(gif.ok);
  CHECK(gif.image_count == 10);
  CHECK(gif.width == 64);
  CHECK(gif.height == 48);
  CHECK(gif.loops_forever);
  REQUIRE(gif.frames.size() == 10);
  for (int i = 0; i < 10; ++i) {
    CAPTURE(i);
    CHECK(gif.delays[i] == 4);  // 100 / 25 fps
    CHECK(gif.disposals[i] == DISPOSE_DO_NOT);
    // The ramp fills the red-green square: 256 colours tiling it at best as 16×16 squares
    // leave a mean error of 4 in red and green and 0 in blue, 2.67 per channel. Median cut plus
    // k-means gets 2.8 to 2.9 here (median cut alone: 4); 3.5 leaves room for the square and
    // for other compilers' rounding, and still fails if the refinement stops working or a frame
    // is put at the wrong place.
    CHECK(mean_abs_diff(gif.frames[i], frames[i]) <= 3.5);
  }
  // Later frames store only the changed rectangle: the square's old and new place, 13×10.
  CHECK(gif.rect_areas[0] == 64 * 48);
  for (int i = 1; i < 10; ++i) CHECK(gif.rect_areas[i] == 13 * 10);
  // Consecutive frames differ where the square moved: its trailing column on frame 0 (x = 4..6)
  // is background again on frame 1.
  const auto pixel = [](const Image& im, int x, int y) {
    const std::uint8_t* p = &im.rgb[(std::size_t(y) * im.width + x) * 3];
    return std::array<int, 3>{p[0], p[1], p[2]};
  };
  const int y = 48 / 3 + 5;
  CHECK(pixel(gif.frames[0], 5, y)[2] < 80);   // the yellow square (blue 40)
  CHECK(pixel(gif.frames[1], 5, y)[2] > 100);  // the ramp (blue 128)
  CHECK(pixel(gif.frames[1], 15, y)[2] < 80);  // the square's new right edge
}

TEST_CASE("GIF - delays at 30 fps add up to one second and never drift") {
  const TempDir dir;
  const SinkOptions options{dir.file("a.gif"), 16, 16, 30, {}};
  std::vector<Image> frames;
  for (int t = 0; t < 30; ++t) frames.push_back(ramp_frame(16, 16, t % 3));
  export_frames(Format::Gif, options, frames);
  const DecodedGif gif = decode_gif(options.path);
  REQUIRE(gif.ok);
  REQUIRE(gif.delays.size() == 30);
  CHECK(std::accumulate(gif.delays.begin(), gif.delays.end(), 0) == 100);
  for (int d : gif.delays) CHECK((d == 3 || d == 4));
  // An unchanged frame is stored as a single pixel.
  const SinkOptions still{dir.file("still.gif"), 16, 16, 30, {}};
  export_frames(Format::Gif, still, {ramp_frame(16, 16, 0), ramp_frame(16, 16, 0)});
  const DecodedGif s = decode_gif(still.path);
  REQUIRE(s.ok);
  CHECK(s.rect_areas == std::vector<int>{256, 1});
  CHECK(s.frames[1].rgb == s.frames[0].rgb);
}

TEST_CASE("GIF - the same frames give the same bytes") {
  const TempDir dir;
  std::vector<Image> frames;
  for (int t = 0; t < 6; ++t) frames.push_back(ramp_frame(40, 30, t));
  const SinkOptions a{dir.file("a.gif"), 40, 30, 12.5, {{{10, 200, 30}}}};
  SinkOptions b = a;
  b.path = dir.file("b.gif");
  export_frames(Format::Gif, a, frames);
  export_frames(Format::Gif, b, frames);
  const std::string bytes = read_bytes(a.path);
  CHECK(bytes.size() > 100);
  CHECK(bytes.substr(0, 6) == "GIF89a");
  CHECK(bytes == read_bytes(b.path));
}

namespace {

// A colormap ramp along x (dark purple → teal → yellow, like viridis' ends and middle).
std::array<std::uint8_t, 3> ramp_colour(double s) {
  const double a[3] = {68, 1, 84}, m[3] = {33, 145, 140}, b[3] = {253, 231, 37};
  std::array<std::uint8_t, 3> c;
  for (int k = 0; k < 3; ++k) {
    const double v = s < 0.5 ? a[k] + (m[k] - a[k]) * 2 * s : m[k] + (b[k] - m[k]) * (2 * s - 1);
    c[k] = static_cast<std::uint8_t>(std::lround(v));
  }
  return c;
}

Image colormap_frame(int width, int height) {
  Image image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const auto c = ramp_colour(double(x) / (width - 1));
      std::copy(c.begin(), c.end(), &image.rgb[(std::size_t(y) * width + x) * 3]);
    }
  return image;
}

// Greys only: the frame before the field appears.
Image grey_frame(int width, int height) {
  Image image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const auto v = static_cast<std::uint8_t>(40 + 160 * x / (width - 1));
      std::uint8_t* p = &image.rgb[(std::size_t(y) * width + x) * 3];
      p[0] = p[1] = p[2] = v;
    }
  return image;
}

// Mean error of frame 1 (the colormap) after export with or without the ramp as hints.
double colormap_error(const TempDir& dir, bool hints) {
  SinkOptions options{dir.file(hints ? "hints.gif" : "plain.gif"), 128, 32, 10, {}};
  if (hints)
    for (int i = 0; i < 64; ++i) options.palette_hints.push_back(ramp_colour(i / 63.0));
  const Image field = colormap_frame(128, 32);
  export_frames(Format::Gif, options, {grey_frame(128, 32), field});
  const DecodedGif gif = decode_gif(options.path);
  REQUIRE(gif.ok);
  REQUIRE(gif.frames.size() == 2);
  return mean_abs_diff(gif.frames[1], field);
}

}  // namespace

TEST_CASE("GIF - palette hints give colours absent from frame 0 their palette entries") {
  const TempDir dir;
  const double with = colormap_error(dir, true), without = colormap_error(dir, false);
  MESSAGE("colormap frame mean error: ", with, " with hints, ", without, " without");
  // With the 64 ramp colours hinted, the ramp (~128 distinct colours) gets about a hundred
  // entries beside the greys: errors of a step or two, well under 3 of 255. Without, it is drawn
  // with greys only, tens of units off.
  CHECK(with <= 3.0);
  CHECK(without > 20.0);
}

namespace {

// A heatmap-like frame: a smooth field through the colormap ramp, changing everywhere with t,
// and 2000 light particles (1 px) drifting: the worst case for the changed rectangle.
Image field_frame(int size, int t) {
  Image image{size, size, std::vector<std::uint8_t>(std::size_t(size) * size * 3)};
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      const double u = double(x) / size, v = double(y) / size;
      const double f = 0.5 + 0.25 * std::sin(6 * u + 0.1 * t) + 0.25 * std::cos(5 * v - 0.07 * t);
      const auto c = ramp_colour(std::clamp(f, 0.0, 1.0));
      std::copy(c.begin(), c.end(), &image.rgb[(std::size_t(y) * size + x) * 3]);
    }
  std::uint32_t seed = 12345;
  for (int i = 0; i < 2000; ++i) {
    seed = seed * 1664525u + 1013904223u;
    const int x = int((seed >> 8) % unsigned(size) + t) % size;
    seed = seed * 1664525u + 1013904223u;
    const int y = int((seed >> 8) % unsigned(size));
    std::uint8_t* p = &image.rgb[(std::size_t(y) * size + x) * 3];
    p[0] = 255, p[1] = 120, p[2] = 60;
  }
  return image;
}

}  // namespace

TEST_CASE("GIF - 800x800 frames that change everywhere decode close to their input") {
  // The export's worst case: a smooth field that moves in every pixel plus moving particles, so
  // every frame is stored whole. (Its speed is measured by `scorelab bench`, not here.)
  const TempDir dir;
  constexpr int kFrames = 30, kSize = 800;
  SinkOptions options{dir.file("full.gif"), kSize, kSize, 30, {}};
  for (int i = 0; i < 32; ++i) options.palette_hints.push_back(ramp_colour(i / 31.0));
  options.palette_hints.push_back({255, 120, 60});
  auto sink = open_sink(Format::Gif, options);
  for (int t = 0; t < kFrames; ++t) sink->add(field_frame(kSize, t));
  sink->finish();
  const DecodedGif gif = decode_gif(options.path);
  REQUIRE(gif.ok);
  CHECK(gif.image_count == kFrames);
  // Mean channel error ≤ 3/255: the palette was built from frame 0 and the hints, and the last
  // frame's field has moved, so this checks that the global palette still covers it.
  CHECK(mean_abs_diff(gif.frames.back(), field_frame(kSize, kFrames - 1)) <= 3.0);
}
