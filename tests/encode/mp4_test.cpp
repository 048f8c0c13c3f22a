// MP4 export through the ffmpeg program: frame count, size and rate read back with ffprobe, and
// the message when ffmpeg is not installed.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "app/encode/frame_sink.h"
#include "core/common/error.h"
#include "support.h"

using namespace encode_testing;
using namespace scorelab::encode;
using scorelab::InputError;

namespace {

// The output of a command (popen: fine for a test with paths we made ourselves).
std::string run(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, p)) out.append(buffer, n);
    ::pclose(p);
  }
  return out;
}

// Sets an environment variable for the length of a scope.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(const std::string& n, const std::string& value) : name(n) {
    if (const char* v = std::getenv(n.c_str())) old = v;
    ::setenv(n.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old)
      ::setenv(name.c_str(), old->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }
};

}  // namespace

TEST_CASE("MP4 - 12 frames at 24 fps read back with ffprobe") {
  if (!on_path("ffmpeg") || !on_path("ffprobe")) {
    MESSAGE("skipped: ffmpeg or ffprobe is not on PATH");
    return;
  }
  const TempDir dir;
  const SinkOptions options{dir.file("a video.mp4"), 64, 48, 24, {}};  // a space in the name
  std::vector<Image> frames;
  for (int t = 0; t < 12; ++t) frames.push_back(ramp_frame(64, 48, t));
  CHECK(export_frames(Format::Mp4, options, frames) == "MP4 64x48, 12 frames, 24 fps");
  CHECK(dir.entries() == std::vector<std::string>{"a video.mp4"});

  const std::string json =
      run("ffprobe -v error -count_frames -select_streams v:0 -show_entries "
          "stream=nb_read_frames,width,height,r_frame_rate -of json '" +
          options.path + "'");
  MESSAGE(json);
  CHECK(json.find("\"width\": 64") != std::string::npos);
  CHECK(json.find("\"height\": 48") != std::string::npos);
  CHECK(json.find("\"r_frame_rate\": \"24/1\"") != std::string::npos);
  CHECK(json.find("\"nb_read_frames\": \"12\"") != std::string::npos);
}

TEST_CASE("MP4 - without ffmpeg on PATH, open_sink says how to get it") {
  const TempDir dir;
  const TempDir empty;
  const ScopedEnv path("PATH", empty.path);
  CHECK_THROWS_WITH_AS(open_sink(Format::Mp4, {dir.file("a.mp4"), 64, 48, 30, {}}),
                       doctest::Contains("MP4 export needs the ffmpeg program, which was not "
                                         "found on PATH; install it (Debian: apt-get install "
                                         "ffmpeg) or export GIF or PNG"),
                       InputError);
  CHECK(dir.entries().empty());
}
