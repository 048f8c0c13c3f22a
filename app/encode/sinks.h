// Private to app/encode: the four sinks' factories, called by open_sink once the options passed
// its checks, and the file-system helpers they share (frame_sink.cpp).
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "app/encode/frame_sink.h"

namespace scorelab::encode::detail {

// Each factory creates its temporary output now, so an unwritable directory fails before
// rendering starts. Options are already checked (size, fps, format-specific rules).
std::unique_ptr<FrameSink> make_png_sink(const SinkOptions& options);
std::unique_ptr<FrameSink> make_png_sequence_sink(const SinkOptions& options,
                                                  const std::string& directory);
std::unique_ptr<FrameSink> make_gif_sink(const SinkOptions& options);
std::unique_ptr<FrameSink> make_mp4_sink(const SinkOptions& options);

// --- file-system helpers --------------------------------------------------------------------

// Throws InputError("cannot <what> '<path>': <strerror(err)>"), adding "(the disk is full)" for
// ENOSPC and EDQUOT so the user knows what to do.
[[noreturn]] void fail(const std::string& what, const std::string& path, int err);

std::string parent_of(const std::string& path);  // "a/b" → "a", "b" → ".", "/b" → "/"
std::string name_of(const std::string& path);    // "a/b" → "b"

// A new, empty file ".<name>.tmp-<random>" beside `target`, created exclusively (like mkstemp,
// but with mode 0666 less the umask, as a plain open() would give the exported file; mkstemp's
// 0600 would make it private). Returns its path; *fd receives a descriptor open for writing.
std::string create_temp_file(const std::string& target, int* fd);
// The same for a directory (mode 0777 less the umask).
std::string create_temp_directory(const std::string& target);

// Writes all `size` bytes (retrying short writes and EINTR); returns 0 or the errno of the failure.
int write_fully(int fd, const void* data, std::size_t size);
// fsync(2) on a directory, so renames and new entries in it are durable. Best effort: a failure
// cannot undo what was done, so it is not an error.
void sync_directory(const std::string& dir);

std::string size_text(int width, int height);  // "800x800"
std::string fps_text(double fps);              // "25", "29.97"
std::string frames_text(int count);            // "1 frame", "240 frames"
// Throws InputError unless `frame` has the options' size and width × height × 3 bytes.
void check_frame(const Image& frame, const SinkOptions& options);

}  // namespace scorelab::encode::detail
