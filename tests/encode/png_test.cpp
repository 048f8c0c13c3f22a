// PNG export: a sequence directory (frames decoded back with stb_image, replacing a previous
// export, refusing a directory with other files) and the single picture of the last frame.
#include <doctest/doctest.h>

#include "app/encode/frame_sink.h"
#include "core/common/error.h"
#include "support.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

using namespace encode_testing;
using namespace scorelab::encode;
using scorelab::InputError;

namespace {

// The picture in a PNG file, or an empty Image if it cannot be read.
Image load_png(const std::string& path) {
  int w = 0, h = 0, channels = 0;
  stbi_uc* data = stbi_load(path.c_str(), &w, &h, &channels, 3);
  if (!data) return {};
  Image image{w, h, std::vector<std::uint8_t>(data, data + std::size_t(w) * h * 3)};
  stbi_image_free(data);
  return image;
}

}  // namespace

TEST_CASE("PNG sequence - one file per frame, lossless, in a new directory") {
  const TempDir dir;
  const SinkOptions options{dir.file("frames/"), 40, 30, 24, {}};
  std::vector<Image> frames;
  for (int t = 0; t < 5; ++t) frames.push_back(ramp_frame(40, 30, t));
  CHECK(export_frames(Format::PngSequence, options, frames) == "PNG sequence 40x30, 5 frames");

  CHECK(dir.entries() == std::vector<std::string>{"frames"});
  const std::vector<std::string> names = TempDir::list(dir.file("frames"));
  CHECK(names == std::vector<std::string>{"frame_0000.png", "frame_0001.png", "frame_0002.png",
                                          "frame_0003.png", "frame_0004.png"});
  int w = 0, h = 0, channels = 0;
  REQUIRE(stbi_info(dir.file("frames/frame_0004.png").c_str(), &w, &h, &channels));
  CHECK(w == 40);
  CHECK(h == 30);
  CHECK(channels == 3);
  for (int t = 0; t < 5; ++t) {
    CAPTURE(t);
    const Image decoded = load_png(dir.file("frames/frame_000" + std::to_string(t) + ".png"));
    CHECK(decoded.width == 40);
    CHECK(decoded.rgb == frames[t].rgb);  // PNG is lossless: exactly the input
  }
}

TEST_CASE("PNG sequence - a new export replaces a previous one, old extra frames gone") {
  const TempDir dir;
  const std::string target = dir.file("seq");  // no extension, no slash: a directory too
  CHECK(format_for_path(target) == Format::PngSequence);
  SinkOptions options{target, 20, 10, 10, {}};
  std::vector<Image> six, two;
  for (int t = 0; t < 6; ++t) six.push_back(noise_frame(20, 10, 100 + t));
  for (int t = 0; t < 2; ++t) two.push_back(ramp_frame(20, 10, t));
  export_frames(Format::PngSequence, options, six);
  REQUIRE(TempDir::list(target).size() == 6);

  options.path = target + "/";  // the same directory, named with a slash
  export_frames(Format::PngSequence, options, two);
  CHECK(TempDir::list(target) == std::vector<std::string>{"frame_0000.png", "frame_0001.png"});
  CHECK(load_png(target + "/frame_0001.png").rgb == two[1].rgb);
  CHECK(dir.entries() == std::vector<std::string>{"seq"});  // the old frames' directory is gone
}

TEST_CASE("PNG sequence - a directory with other files is refused and left alone") {
  const TempDir dir;
  const std::string target = dir.file("mine");
  fs::create_directory(target);
  write_bytes(target + "/frame_0000.png", "old frame");
  write_bytes(target + "/notes.txt", "precious");
  const SinkOptions options{target, 20, 10, 10, {}};
  CHECK_THROWS_WITH_AS(open_sink(Format::PngSequence, options),
                       doctest::Contains("holds 'notes.txt'"), InputError);
  CHECK(read_bytes(target + "/notes.txt") == "precious");
  CHECK(read_bytes(target + "/frame_0000.png") == "old frame");
  CHECK(dir.entries() == std::vector<std::string>{"mine"});  // no temporary left either

  // A file appearing during the export is caught by finish(), which then replaces nothing.
  fs::remove(target + "/notes.txt");
  auto sink = open_sink(Format::PngSequence, options);
  sink->add(ramp_frame(20, 10, 0));
  write_bytes(target + "/late.txt", "also precious");
  CHECK_THROWS_WITH_AS(sink->finish(), doctest::Contains("holds 'late.txt'"), InputError);
  sink.reset();
  CHECK(read_bytes(target + "/late.txt") == "also precious");
  CHECK(read_bytes(target + "/frame_0000.png") == "old frame");
  CHECK(dir.entries() == std::vector<std::string>{"mine"});
}

TEST_CASE("PNG - the single picture is the last frame added, with deterministic bytes") {
  const TempDir dir;
  const SinkOptions options{dir.file("last.PNG"), 40, 30, 30, {}};
  CHECK(format_for_path(options.path) == Format::Png);  // the extension is case-insensitive
  std::vector<Image> frames;
  for (int t = 0; t < 4; ++t) frames.push_back(ramp_frame(40, 30, t));
  CHECK(export_frames(Format::Png, options, frames) == "PNG 40x30, the last of 4 frames");
  const Image decoded = load_png(options.path);
  CHECK(decoded.width == 40);
  CHECK(decoded.height == 30);
  CHECK(decoded.rgb == frames.back().rgb);
  CHECK(decoded.rgb != frames.front().rgb);

  SinkOptions again = options;
  again.path = dir.file("again.png");
  export_frames(Format::Png, again, frames);
  CHECK(read_bytes(again.path) == read_bytes(options.path));
}

TEST_CASE("PNG sequence - past 10000 frames every name gets 5 digits, in order") {
  // 10001 files, each fsynced: on a tmpfs (root only) this takes a second, on a disk much more.
  const SmallDisk disk("size=64m");
  if (!disk.ok) {
    MESSAGE("skipped: cannot mount a tmpfs here (needs root)");
    return;
  }
  const SinkOptions options{disk.dir.file("many/"), 2, 1, 30, {}};
  auto sink = open_sink(Format::PngSequence, options);
  for (int t = 0; t <= 10000; ++t) {
    const auto v = static_cast<std::uint8_t>(t % 256);
    sink->add(Image{2, 1, {v, v, v, 0, 0, 0}});
  }
  sink->finish();
  const std::vector<std::string> names = TempDir::list(disk.dir.file("many"));
  REQUIRE(names.size() == 10001);
  CHECK(names.front() == "frame_00000.png");
  CHECK(names[9999] == "frame_09999.png");
  CHECK(names.back() == "frame_10000.png");
  CHECK(load_png(disk.dir.file("many/frame_00300.png")).rgb ==
        std::vector<std::uint8_t>{44, 44, 44, 0, 0, 0});  // 300 % 256
}
