// Export of rendered frames to a file: GIF animation, MP4 video (through the ffmpeg program), a
// directory of PNG frames, or one PNG. The output appears atomically, or not at all.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/render/image.h"

namespace scorelab::encode {

enum class Format { Gif, Mp4, PngSequence, Png };

// The format a path asks for, by its extension (case-insensitive): ".gif" → Gif, ".mp4" → Mp4,
// ".png" → Png (one picture: the last frame added); a path ending in '/', or whose last component
// has no extension → PngSequence (a directory of frame_0000.png, frame_0001.png, ...: 4 digits,
// more when the count needs them). Any other extension throws InputError listing the choices.
Format format_for_path(const std::string& path);
const char* format_name(Format f);  // "GIF", "MP4", "PNG sequence", "PNG"

struct SinkOptions {
  std::string path;           // the final output (file, or directory for a PNG sequence)
  int width = 0, height = 0;  // size of every frame, pixels, 1 to 4096
  double fps = 30;            // frames per second, 1 to 60 (GIF: 1 to 50)
  // Colours the GIF palette must represent well (e.g. the heatmap's colormap ramp, the particle
  // colour), in addition to the first frame's own colours; ignored by the other formats.
  std::vector<std::array<std::uint8_t, 3>> palette_hints;
  int palette_colours = 256;  // GIF: colours in its palette at most, 2 to 256
};

// Where frames go. Frames are written under a temporary name next to the target; finish()
// completes the file (or directory) and renames it into place, so a reader sees the old target or
// the complete new one. Destroying a sink without finish() (cancel, error) removes everything it
// wrote and leaves any existing target untouched. Every failure (unwritable directory, full disk,
// ffmpeg failing) throws InputError naming the path and the reason.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void add(const Image& frame) = 0;  // frame size must equal the options' (else InputError)
  virtual void finish() = 0;                 // once; throws InputError if nothing was added
  virtual std::string describe() const = 0;  // e.g. "GIF 800x800, 240 frames, 25 fps"
};

// Checks everything that can be checked before rendering starts and throws InputError otherwise:
// the directory that will hold the output exists and is writable (a temporary is created there
// now), size 1 to 4096 per side, fps in [1, 60] (GIF: [1, 50], since its delays are whole
// 1/100 s and browsers slow down shorter ones), MP4: even width and height and the `ffmpeg`
// program on PATH, PNG sequence: the target directory does not exist, or holds only frame_N.png
// files of a previous export (anything else is refused, naming it, so no user file is deleted).
std::unique_ptr<FrameSink> open_sink(Format format, const SinkOptions& options);

}  // namespace scorelab::encode
