// Private to app/encode: the four sinks' factories, called by open_sink once the options passed
// its checks, and the helpers they share (frame_sink.cpp).
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "app/encode/frame_sink.h"
#include "core/common/atomic_file.h"

namespace scorelab::encode::detail {

// Each factory creates its temporary output now, so an unwritable directory fails before
// rendering starts. Options are already checked (size, fps, format-specific rules).
std::unique_ptr<FrameSink> make_png_sink(const SinkOptions& options);
std::unique_ptr<FrameSink> make_png_sequence_sink(const SinkOptions& options,
                                                  const std::string& directory);
std::unique_ptr<FrameSink> make_gif_sink(const SinkOptions& options);
std::unique_ptr<FrameSink> make_mp4_sink(const SinkOptions& options);

// --- file-system helpers --------------------------------------------------------------------

// The output itself (temporaries, fsync, rename, the checks of the target) is core/common's
// atomic_file: StreamingFile for GIF and MP4, PendingDirectory for PNG sequences.

std::string name_of(const std::string& path);    // "a/b" → "b"

std::string size_text(int width, int height);  // "800x800"
std::string fps_text(double fps);              // "25", "29.97"
std::string frames_text(int count);            // "1 frame", "240 frames"
// Throws InputError unless `frame` has the options' size and width × height × 3 bytes.
void check_frame(const Image& frame, const SinkOptions& options);

}  // namespace scorelab::encode::detail
