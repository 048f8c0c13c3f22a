// The format chosen by a path, the checks open_sink makes before any frame is rendered, and the
// helpers the sinks share (their output goes through core/common/atomic_file).
#include "app/encode/frame_sink.h"

#include <cctype>
#include <cstdio>

#include "app/encode/sinks.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"

namespace scorelab::encode {

namespace detail {

std::string name_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string size_text(int width, int height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

std::string fps_text(double fps) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", fps);
  return text;
}

std::string frames_text(int count) {
  return std::to_string(count) + (count == 1 ? " frame" : " frames");
}

void check_frame(const Image& frame, const SinkOptions& options) {
  if (frame.width != options.width || frame.height != options.height)
    throw InputError("cannot add a frame of " + size_text(frame.width, frame.height) + " to '" +
                     options.path + "': every frame must be " +
                     size_text(options.width, options.height));
  if (frame.rgb.size() != std::size_t(frame.width) * frame.height * 3)
    throw InputError("cannot add a frame to " + quoted_name(options.path) + ": a " +
                     size_text(frame.width, frame.height) + " RGB frame holds " +
                     std::to_string(std::size_t(frame.width) * frame.height * 3) +
                     " bytes, this one " + std::to_string(frame.rgb.size()));
}

}  // namespace detail

// --- the format of a path ---------------------------------------------------------------------

Format format_for_path(const std::string& path) {
  if (path.empty()) throw InputError("no output path given");
  if (path.back() == '/') return Format::PngSequence;
  // The extension starts at the last '.' of the last component, unless that dot opens the name
  // (".frames" is a hidden directory, not an extension).
  const std::string name = detail::name_of(path);
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return Format::PngSequence;
  std::string ext = name.substr(dot);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".gif") return Format::Gif;
  if (ext == ".mp4") return Format::Mp4;
  if (ext == ".png") return Format::Png;
  throw InputError("cannot export to " + quoted_name(path) + ": unknown extension '" +
                   name.substr(dot) +
                   "'; use .gif (GIF animation), .mp4 (MP4 video), .png (one picture: the last "
                   "frame) or a directory name without extension, e.g. 'frames/' (PNG sequence)");
}

const char* format_name(Format f) {
  switch (f) {
    case Format::Gif:
      return "GIF";
    case Format::Mp4:
      return "MP4";
    case Format::PngSequence:
      return "PNG sequence";
    case Format::Png:
      return "PNG";
  }
  return "?";
}

// --- open_sink: every check that can be made before rendering ---------------------------------

namespace {

constexpr int kMaxSide = 4096;  // pixels; 4096² × 3 bytes = 48 MB per frame
// GIF delays are whole 1/100 s, and browsers play delays under 2/100 s as 1/10 s, so above
// 50 fps some frames of a GIF would stall.
constexpr double kMaxGifFps = 50;
constexpr double kMaxFps = 60;

}  // namespace

std::unique_ptr<FrameSink> open_sink(Format format, const SinkOptions& options) {
  const std::string& path = options.path;
  if (path.empty()) throw InputError("no output path given");
  if (options.width < 1 || options.width > kMaxSide || options.height < 1 ||
      options.height > kMaxSide)
    throw InputError("cannot export " + quoted_name(path) + ": size " +
                     detail::size_text(options.width, options.height) +
                     " is not allowed: width and height must be 1 to 4096 pixels");
  const double max_fps = format == Format::Gif ? kMaxGifFps : kMaxFps;
  if (!(options.fps >= 1 && options.fps <= max_fps)) {
    std::string message = "cannot export " + quoted_name(path) + ": a frame rate of " +
                          detail::fps_text(options.fps) + " fps is not allowed: it must be 1 to " +
                          detail::fps_text(max_fps) + " frames per second";
    if (format == Format::Gif)
      message +=
          " for GIF (its frame delays are whole 1/100 s, and browsers slow down delays "
          "under 2/100 s)";
    throw InputError(message);
  }

  if (format == Format::PngSequence) {
    // The directory itself is the target: "out/frames/" and "out/frames" name the same one.
    std::string dir = path;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    const std::string name = detail::name_of(dir);
    if (dir == "/" || name == "." || name == "..")
      throw InputError("cannot export a PNG sequence to " + quoted_name(path) +
                       ": name a new directory (or the one of a previous export)");
    check_output(dir, {}, OutputKind::Directory);
    return detail::make_png_sequence_sink(options, dir);
  }

  if (path.back() == '/')
    throw InputError("cannot write " + quoted_name(path) + ": it names a directory");
  check_output(path);  // a directory, device or missing directory is refused here
  switch (format) {
    case Format::Gif:
      return detail::make_gif_sink(options);
    case Format::Mp4:
      return detail::make_mp4_sink(options);
    case Format::Png:
      return detail::make_png_sink(options);
    case Format::PngSequence:
      break;
  }
  throw InputError("cannot export " + quoted_name(path) + ": unknown format");
}

}  // namespace scorelab::encode
