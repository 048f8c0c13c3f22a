// PNG export through stb_image_write: one picture (the last frame), or a directory of numbered
// frames that replaces its previous version atomically. Also the program's one copy of stb's
// PNG writer (STB_IMAGE_WRITE_IMPLEMENTATION), which the window's screenshots use too.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <optional>
#include <vector>

#include "app/encode/sinks.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace scorelab::encode::detail {
namespace {

// The PNG file of one frame, in memory. Deterministic: the same pixels give the same bytes.
std::string encode_png(const Image& frame, const std::string& path) {
  std::string bytes;
  const auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), std::size_t(size));
  };
  // stb keeps the flip flag in a global that the window's screenshots set (GL rows run
  // bottom-up); our rows are top-down already.
  stbi_flip_vertically_on_write(0);
  if (!stbi_write_png_to_func(append, &bytes, frame.width, frame.height, 3, frame.rgb.data(),
                              frame.width * 3))
    throw InputError("cannot write " + quoted_name(path) +
                     ": the PNG encoder failed (out of memory?)");
  return bytes;
}

// --- PNG: one picture -------------------------------------------------------------------------

class PngSink final : public FrameSink {
 public:
  explicit PngSink(const SinkOptions& options) : options_(options) {
    // Nothing is written before finish(), so probe the target now: access(2) says yes to root
    // even where creating a file fails. The probe's temporary is removed as it goes.
    const StreamingFile probe(options_.path);
  }

  void add(const Image& frame) override {
    assert(!finished_);
    check_frame(frame, options_);
    last_ = frame;
    ++frames_;
  }

  void finish() override {
    assert(!finished_);
    if (frames_ == 0)
      throw InputError("nothing to write to " + quoted_name(options_.path) + ": no frames");
    write_file_atomic(options_.path, encode_png(last_, options_.path));
    finished_ = true;
  }

  std::string describe() const override {
    return "PNG " + size_text(options_.width, options_.height) + ", the last of " +
           frames_text(frames_);
  }

 private:
  SinkOptions options_;
  Image last_;  // the last frame added: the picture finish() writes
  int frames_ = 0;
  bool finished_ = false;
};

// --- PNG sequence: a directory of frames ------------------------------------------------------

constexpr int kMinDigits = 4;  // frame_0000.png; more digits only when the count needs them

std::string frame_name(int index, int digits) {
  std::string number = std::to_string(index);
  if (number.size() < std::size_t(digits))
    number.insert(0, std::size_t(digits) - number.size(), '0');
  return "frame_" + number + ".png";
}

// "frame_<digits>.png": the only names a PNG-sequence export writes.
bool is_frame_name(const std::string& name) {
  constexpr std::size_t prefix = 6, suffix = 4;  // "frame_", ".png"
  if (name.size() <= prefix + suffix || name.compare(0, prefix, "frame_") != 0 ||
      name.compare(name.size() - suffix, suffix, ".png") != 0)
    return false;
  return std::all_of(name.begin() + prefix, name.end() - suffix,
                     [](char c) { return c >= '0' && c <= '9'; });
}

// The names in `dir`, sorted, without "." and ".."; throws InputError if it cannot be read.
std::vector<std::string> list_directory(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) fail_io("read the directory", dir, errno);
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) fail_io("read the directory", dir, err);
  std::sort(names.begin(), names.end());
  return names;
}

// The first entry of `dir` that a previous export would not have written (anything but a plain
// file named frame_<digits>.png), or nothing: the test before we may replace the directory.
std::optional<std::string> first_foreign_entry(const std::string& dir) {
  for (const std::string& name : list_directory(dir)) {
    struct stat st;
    if (!is_frame_name(name) || ::lstat((dir + "/" + name).c_str(), &st) != 0 ||
        !S_ISREG(st.st_mode))
      return name;
  }
  return std::nullopt;
}

// Throws InputError unless `dir` is absent, or a real directory holding only frames.
void require_replaceable(const std::string& dir, const std::string& path) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    fail_io("export a PNG sequence to", path, errno);
  }
  if (S_ISLNK(st.st_mode))
    throw InputError("cannot export a PNG sequence to " + quoted_name(path) +
                     ": it is a symbolic link; name the directory itself");
  if (!S_ISDIR(st.st_mode))
    throw InputError("cannot export a PNG sequence to " + quoted_name(path) +
                     ": it exists and is not a directory");
  if (const auto foreign = first_foreign_entry(dir))
    throw InputError("cannot export a PNG sequence to " + quoted_name(path) + ": it holds '" +
                     *foreign +
                     "', which is not a frame of a previous export (frame_NNNN.png); choose a "
                     "new or empty directory so no other file is deleted");
}

class PngSequenceSink final : public FrameSink {
 public:
  PngSequenceSink(const SinkOptions& options, const std::string& directory)
      : options_(options), target_(directory) {
    require_replaceable(target_, options_.path);
    dir_ = std::make_unique<PendingDirectory>(target_);
  }

  void add(const Image& frame) override {
    assert(!finished_);
    check_frame(frame, options_);
    // Each frame is fsynced as it is written (a frame per fsync costs little next to the PNG
    // encoding), so finish() only has to rename.
    dir_->write_file(frame_name(frames_, kMinDigits), encode_png(frame, options_.path));
    ++frames_;
  }

  void finish() override {
    assert(!finished_);
    if (frames_ == 0)
      throw InputError("nothing to write to " + quoted_name(options_.path) + ": no frames");
    widen_names();
    // Checked again: the directory may have changed while we rendered. Replacing a previous
    // export deletes its files, which this check proved are all frames.
    require_replaceable(target_, options_.path);
    dir_->commit();
    finished_ = true;
  }

  std::string describe() const override {
    return "PNG sequence " + size_text(options_.width, options_.height) + ", " +
           frames_text(frames_);
  }

 private:
  // Frames are named with 4 digits as they come, since the count is unknown until now; past
  // 10000 frames all names get the width of the largest index so they sort in order.
  void widen_names() {
    int digits = kMinDigits;
    for (int n = frames_ - 1; n >= 10000; n /= 10) ++digits;
    if (digits == kMinDigits) return;
    for (int i = 0; i < frames_; ++i) {
      const std::string from = frame_name(i, kMinDigits), to = frame_name(i, digits);
      // A 4-digit-padded name of i < 10000 starts with '0' once widened; the names of larger i
      // never do, so no rename overwrites another frame.
      if (from != to) dir_->rename_file(from, to);
    }
  }

  SinkOptions options_;
  std::string target_;                     // the directory, without trailing '/'
  std::unique_ptr<PendingDirectory> dir_;  // the frames until finish(), beside the target
  int frames_ = 0;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<FrameSink> make_png_sink(const SinkOptions& options) {
  return std::make_unique<PngSink>(options);
}

std::unique_ptr<FrameSink> make_png_sequence_sink(const SinkOptions& options,
                                                  const std::string& directory) {
  return std::make_unique<PngSequenceSink>(options, directory);
}

}  // namespace scorelab::encode::detail
