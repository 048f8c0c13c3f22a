// What every format shares: the format of a path, the checks of open_sink, abandoned exports
// leaving nothing behind, and a full disk reported as such.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cmath>
#include <limits>

#include "app/encode/frame_sink.h"
#include "core/common/error.h"
#include "support.h"

using namespace encode_testing;
using namespace scorelab::encode;
using scorelab::InputError;

namespace {

// The formats this machine can write (MP4 needs the ffmpeg program).
std::vector<Format> formats_here() {
  std::vector<Format> formats = {Format::Gif, Format::PngSequence, Format::Png};
  if (on_path("ffmpeg")) formats.push_back(Format::Mp4);
  return formats;
}

const char* extension(Format f) {
  switch (f) {
    case Format::Gif:
      return ".gif";
    case Format::Mp4:
      return ".mp4";
    case Format::Png:
      return ".png";
    case Format::PngSequence:
      return "";
  }
  return "";
}

}  // namespace

TEST_CASE("format_for_path - by extension, case-insensitive, directories for the rest") {
  CHECK(format_for_path("a/b/anim.gif") == Format::Gif);
  CHECK(format_for_path("ANIM.GIF") == Format::Gif);
  CHECK(format_for_path("/tmp/my video.Mp4") == Format::Mp4);
  CHECK(format_for_path("shot.png") == Format::Png);
  CHECK(format_for_path("out/frames/") == Format::PngSequence);
  CHECK(format_for_path("out/frames.gif/") == Format::PngSequence);  // the slash decides
  CHECK(format_for_path("out/frames") == Format::PngSequence);
  CHECK(format_for_path("out.d/.hidden") == Format::PngSequence);  // a leading dot is no extension
  CHECK_THROWS_WITH_AS(format_for_path("x.jpg"), doctest::Contains("'.jpg'"), InputError);
  try {
    format_for_path("pictures/x.jpg");
    FAIL("no error for .jpg");
  } catch (const InputError& e) {
    const std::string what = e.what();
    CHECK(what.find("'pictures/x.jpg'") != std::string::npos);
    for (const char* choice : {".gif", ".mp4", ".png", "PNG sequence"})
      CHECK_MESSAGE(what.find(choice) != std::string::npos, choice);
  }
  CHECK_THROWS_AS(format_for_path(""), InputError);
  CHECK(std::string(format_name(Format::PngSequence)) == "PNG sequence");
  CHECK(std::string(format_name(Format::Mp4)) == "MP4");
}

TEST_CASE("open_sink - sizes, frame rates and frames of the wrong size are refused") {
  const TempDir dir;
  for (Format f : {Format::Gif, Format::Mp4, Format::PngSequence, Format::Png}) {
    const std::string format = format_name(f);
    CAPTURE(format);
    SinkOptions o{dir.file(std::string("out") + extension(f)), 0, 0, 30, {}};
    CHECK_THROWS_WITH_AS(open_sink(f, o), doctest::Contains("size 0x0 is not allowed"), InputError);
    o.width = o.height = 100000;
    CHECK_THROWS_WITH_AS(open_sink(f, o),
                         doctest::Contains("width and height must be 1 to 4096 pixels"),
                         InputError);
    o.width = o.height = 64;
    for (double fps : {0.0, 61.0, std::numeric_limits<double>::quiet_NaN()}) {
      o.fps = fps;
      CHECK_THROWS_WITH_AS(open_sink(f, o), doctest::Contains("frames per second"), InputError);
    }
  }
  // GIF: above 50 fps some delays would be 1/100 s, which browsers stretch.
  SinkOptions gif{dir.file("a.gif"), 64, 48, 60, {}};
  CHECK_THROWS_WITH_AS(open_sink(Format::Gif, gif), doctest::Contains("1/100 s"), InputError);
  gif.fps = 50;
  CHECK_NOTHROW(open_sink(Format::Gif, gif));
  // MP4: H.264 4:2:0 needs even sides (checked before looking for ffmpeg).
  const SinkOptions odd{dir.file("a.mp4"), 65, 48, 30, {}};
  CHECK_THROWS_WITH_AS(open_sink(Format::Mp4, odd), doctest::Contains("even width and height"),
                       InputError);

  for (Format f : formats_here()) {
    const std::string format = format_name(f);
    CAPTURE(format);
    const SinkOptions o{dir.file(std::string("wrong") + extension(f)), 64, 48, 30, {}};
    auto sink = open_sink(f, o);
    CHECK_THROWS_WITH_AS(sink->add(ramp_frame(32, 32, 0)),
                         doctest::Contains("every frame must be 64x48"), InputError);
    Image short_frame = ramp_frame(64, 48, 0);
    short_frame.rgb.pop_back();
    CHECK_THROWS_AS(sink->add(short_frame), InputError);
    CHECK_THROWS_WITH_AS(sink->finish(), doctest::Contains("no frames"), InputError);
  }
  CHECK(dir.entries().empty());  // nothing left by the refused and abandoned sinks
}

TEST_CASE("open_sink - a missing or read-only directory is refused before rendering") {
  const TempDir dir;
  for (Format f : {Format::Gif, Format::Mp4, Format::PngSequence, Format::Png}) {
    const std::string format = format_name(f);
    CAPTURE(format);
    const std::string path = dir.file(std::string("missing/out") + extension(f));
    const std::string missing = "its directory '" + dir.file("missing") + "' does not exist";
    CHECK_THROWS_WITH_AS(open_sink(f, {path, 64, 48, 30, {}}), doctest::Contains(missing.c_str()),
                         InputError);
    CHECK_THROWS_WITH_AS(open_sink(f, {path, 64, 48, 30, {}}), doctest::Contains(path.c_str()),
                         InputError);
  }
  // A directory we may not write to: mode 0555 stops everyone but root; root is stopped by a
  // read-only file system instead.
  std::unique_ptr<SmallDisk> read_only;
  std::string locked;
  if (::geteuid() == 0) {
    read_only = std::make_unique<SmallDisk>("ro,size=16k");
    if (!read_only->ok) {
      MESSAGE("skipped the read-only directory: running as root and cannot mount a tmpfs");
      return;
    }
    locked = read_only->dir.path;
  } else {
    locked = dir.file("locked");
    fs::create_directory(locked);
    ::chmod(locked.c_str(), 0555);
  }
  for (Format f : {Format::Gif, Format::PngSequence, Format::Png}) {
    const std::string format = format_name(f);
    CAPTURE(format);
    const std::string path = locked + "/out" + extension(f);
    CHECK_THROWS_WITH_AS(open_sink(f, {path, 64, 48, 30, {}}), doctest::Contains(path.c_str()),
                         InputError);
  }
  if (::geteuid() != 0) ::chmod(locked.c_str(), 0755);
}

TEST_CASE("abandoned exports leave no file behind and the previous target untouched") {
  for (Format f : formats_here()) {
    const std::string format = format_name(f);
    CAPTURE(format);
    for (bool previous : {false, true}) {
      CAPTURE(previous);
      const TempDir dir;
      const std::string target = dir.file(std::string("out") + extension(f));
      const std::string old_file = f == Format::PngSequence ? target + "/frame_0000.png" : target;
      if (previous) {
        if (f == Format::PngSequence) fs::create_directory(target);
        write_bytes(old_file, "the previous export");
      }
      {
        auto sink = open_sink(f, {target, 64, 48, 30, {}});
        for (int t = 0; t < 3; ++t) sink->add(ramp_frame(64, 48, t));
        CHECK(sink->describe().find("3 frames") != std::string::npos);
      }  // destroyed without finish(): cancelled
      CHECK(dir.entries() == (previous ? std::vector<std::string>{"out" + std::string(extension(f))}
                                       : std::vector<std::string>{}));
      if (previous) {
        CHECK(read_bytes(old_file) == "the previous export");
        if (f == Format::PngSequence) CHECK(TempDir::list(target).size() == 1);
      }
    }
  }
}

TEST_CASE("a full disk is reported as such and leaves nothing behind") {
  const SmallDisk disk("size=64k");
  if (!disk.ok) {
    MESSAGE("skipped: cannot mount a small tmpfs here (needs root)");
    return;
  }
  for (Format f : formats_here()) {
    const std::string format = format_name(f);
    CAPTURE(format);
    const std::string target = disk.dir.file(std::string("big") + extension(f));
    std::string message;
    try {
      auto sink = open_sink(f, {target, 256, 256, 30, {}});
      // 192 KiB of noise per frame: any format overflows 64 KiB within a few frames.
      for (int t = 0; t < 40; ++t) sink->add(noise_frame(256, 256, 7 + t));
      sink->finish();
    } catch (const InputError& e) {
      message = e.what();
    }
    MESSAGE(message);
    CHECK(message.find(target) != std::string::npos);
    CHECK(message.find("No space left on device") != std::string::npos);
    if (f != Format::Png)  // the single PNG's write is core's write_file_atomic, plain strerror
      CHECK(message.find("the disk is full") != std::string::npos);
    CHECK(disk.dir.entries().empty());
  }
}
