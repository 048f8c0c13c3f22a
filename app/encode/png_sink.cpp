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
    throw InputError("cannot write '" + path + "': the PNG encoder failed (out of memory?)");
  return bytes;
}

// --- PNG: one picture -------------------------------------------------------------------------

class PngSink final : public FrameSink {
 public:
  explicit PngSink(const SinkOptions& options) : options_(options) {
    // Nothing is written before finish(), so probe the directory now: require_writable_directory
    // trusts access(2), which says yes to root even where creating a file fails.
    int fd = -1;
    const std::string probe = create_temp_file(options_.path, &fd);
    ::close(fd);
    ::unlink(probe.c_str());
  }

  void add(const Image& frame) override {
    assert(!finished_);
    check_frame(frame, options_);
    last_ = frame;
    ++frames_;
  }

  void finish() override {
    assert(!finished_);
    if (frames_ == 0) throw InputError("nothing to write to '" + options_.path + "': no frames");
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
  if (!d) fail("read the directory", dir, errno);
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) fail("read the directory", dir, err);
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
    fail("export a PNG sequence to", path, errno);
  }
  if (S_ISLNK(st.st_mode))
    throw InputError("cannot export a PNG sequence to '" + path +
                     "': it is a symbolic link; name the directory itself");
  if (!S_ISDIR(st.st_mode))
    throw InputError("cannot export a PNG sequence to '" + path +
                     "': it exists and is not a directory");
  if (const auto foreign = first_foreign_entry(dir))
    throw InputError("cannot export a PNG sequence to '" + path + "': it holds '" + *foreign +
                     "', which is not a frame of a previous export (frame_NNNN.png); choose a "
                     "new or empty directory so no other file is deleted");
}

// Deletes the frames in `dir`, then `dir` itself if that left it empty. Best effort: it runs on
// our own temporaries (cleanup, or the swapped-out previous export) where nothing else is lost.
void remove_frames(const std::string& dir) {
  std::vector<std::string> names;
  try {
    names = list_directory(dir);
  } catch (const InputError&) {
  }
  for (const std::string& name : names)
    if (is_frame_name(name)) ::unlink((dir + "/" + name).c_str());
  ::rmdir(dir.c_str());
}

class PngSequenceSink final : public FrameSink {
 public:
  PngSequenceSink(const SinkOptions& options, const std::string& directory)
      : options_(options), target_(directory) {
    require_replaceable(target_, options_.path);
    temp_ = create_temp_directory(target_);
  }

  ~PngSequenceSink() override {
    if (!finished_) remove_frames(temp_);
  }

  void add(const Image& frame) override {
    assert(!finished_);
    check_frame(frame, options_);
    const std::string bytes = encode_png(frame, options_.path);
    const std::string file = temp_ + "/" + frame_name(frames_, kMinDigits);
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) fail("write", options_.path, errno);
    // fsync each frame as it is written, so finish() only has to rename: a frame per fsync costs
    // little next to the PNG encoding, and a full disk shows at the frame that hit it.
    int err = write_fully(fd, bytes.data(), bytes.size());
    if (err == 0 && ::fsync(fd) != 0) err = errno;
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err != 0) {
      ::unlink(file.c_str());
      fail("write", options_.path, err);
    }
    ++frames_;
  }

  void finish() override {
    assert(!finished_);
    if (frames_ == 0) throw InputError("nothing to write to '" + options_.path + "': no frames");
    widen_names();
    sync_directory(temp_);
    // Checked again: the directory may have changed while we rendered.
    require_replaceable(target_, options_.path);
    struct stat st;
    if (::lstat(target_.c_str(), &st) != 0) {
      if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("write", options_.path, errno);
    } else {
      replace_previous_export();
    }
    finished_ = true;
    sync_directory(parent_of(target_));
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
      if (from != to && ::rename((temp_ + "/" + from).c_str(), (temp_ + "/" + to).c_str()) != 0)
        fail("write", options_.path, errno);
    }
  }

  // The target holds a previous export: exchange it with the new directory in one step
  // (renameat2 RENAME_EXCHANGE), then delete the old frames, now under the temporary name.
  void replace_previous_export() {
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
      remove_frames(temp_);
      return;
    }
    if (errno != EINVAL && errno != ENOSYS) fail("replace", options_.path, errno);
    // A file system without RENAME_EXCHANGE: move the old one aside, then the new one in (a
    // reader may briefly find no directory), and put the old one back if the second step fails.
    std::string aside = create_temp_directory(target_);
    if (::rename(target_.c_str(), aside.c_str()) != 0) {
      const int err = errno;
      ::rmdir(aside.c_str());
      fail("replace", options_.path, err);
    }
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      const int err = errno;
      ::rename(aside.c_str(), target_.c_str());
      fail("replace", options_.path, err);
    }
    remove_frames(aside);
  }

  SinkOptions options_;
  std::string target_;  // the directory, without trailing '/'
  std::string temp_;    // ".<name>.tmp-XXXXXXXX" beside it: the frames until finish()
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
