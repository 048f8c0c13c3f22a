// Output safety in one place: the checks before a run (check_output), temporaries beside the
// target with fsync + rename(2) (which POSIX makes atomic), and the clean-up of temporaries that
// killed runs left behind.
#include "core/common/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>

#include "core/common/error.h"

namespace scorelab {
namespace {

// When this process started (static initialisation, before main): a temporary last modified
// before it cannot be one this process is writing. Read from the coarse clock, the one Linux
// stamps files with: on the precise clock a file written a millisecond after the start could
// carry an earlier stamp (the coarse clock lags by up to a tick) and be taken for stale.
timespec now_realtime() {
  timespec t{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &t);
  return t;
}
const timespec kProcessStart = now_realtime();

constexpr std::string_view kTempMarker = ".tmp-";
constexpr std::size_t kTempDigits = 8;

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// What a file's type is called in a message.
const char* type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISREG(mode)) return "a regular file";
  return "of an unknown type";
}

// "<dir>/.<name>.tmp-<8 random hex digits>": hidden, in the target's directory (same file system,
// so the final rename is atomic) and recognisable as ours if a crash leaves it behind.
std::string temp_name(const std::string& target, std::random_device& entropy) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(entropy()));
  const auto slash = target.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : target.substr(0, slash + 1);
  return dir + "." + name_of(target) + std::string(kTempMarker) + suffix;
}

bool is_temp_of(const std::string& entry, const std::string& name) {
  const std::string prefix = "." + name + std::string(kTempMarker);
  if (entry.size() != prefix.size() + kTempDigits || entry.compare(0, prefix.size(), prefix) != 0)
    return false;
  for (std::size_t i = prefix.size(); i < entry.size(); ++i)
    if (!std::isxdigit(static_cast<unsigned char>(entry[i]))) return false;
  return true;
}

bool older_than_process(const struct stat& st) {
  return st.st_mtim.tv_sec < kProcessStart.tv_sec ||
         (st.st_mtim.tv_sec == kProcessStart.tv_sec && st.st_mtim.tv_nsec < kProcessStart.tv_nsec);
}

// Deletes the plain files in `dir`, then `dir` (best effort: only our own directories get here).
void remove_plain_files_and_directory(const std::string& dir) {
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string path = dir + "/" + e->d_name;
      struct stat st;
      if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::unlink(path.c_str());
    }
    ::closedir(d);
  }
  ::rmdir(dir.c_str());
}

}  // namespace

int write_fully(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

namespace {

// Whether a and b are the same existing file, or (not existing) the same resolved name.
bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  const bool ea = ::stat(a.c_str(), &sa) == 0, eb = ::stat(b.c_str(), &sb) == 0;
  if (ea && eb) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  if (ea != eb) return false;
  // Neither exists: compare the names with their directories made canonical.
  const auto canonical = [](const std::string& p) {
    const std::string r = resolve_output(p);
    char* dir = ::realpath(directory_of(r).c_str(), nullptr);
    if (!dir) return r;
    std::string out = std::string(dir) + "/" + name_of(r);
    std::free(dir);
    return out;
  };
  return canonical(a) == canonical(b);
}

}  // namespace

void fail_io(const std::string& what, const std::string& path, int err) {
  std::string message = "cannot " + what + " " + quoted_name(path) + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) message += " (the disk is full)";
  throw InputError(message);
}

void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// --- checks before a run ----------------------------------------------------------------------

std::string resolve_output(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    std::string link(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096), '\0');
    const ssize_t n = ::readlink(p.c_str(), link.data(), link.size());
    if (n < 0) fail_io("follow the link", path, errno);
    link.resize(static_cast<std::size_t>(n));
    // A relative link is relative to the link's own directory.
    p = link.front() == '/' || p.find('/') == std::string::npos ? link
                                                                : directory_of(p) + "/" + link;
  }
  throw InputError("cannot write " + quoted_name(path) + ": too many levels of symbolic links");
}

std::string check_output(const std::string& path, const std::vector<std::string>& inputs,
                         OutputKind kind) {
  if (path.empty()) throw InputError("no output path given");
  std::string target = resolve_output(path);
  if (kind == OutputKind::Directory)
    while (target.size() > 1 && target.back() == '/') target.pop_back();
  const std::string shown =
      target == path ? quoted_name(path) : quoted_name(path) + " (-> " + quoted_name(target) + ")";
  if (kind == OutputKind::File && target.back() == '/')
    throw InputError("cannot write " + shown + ": it names a directory; name a file");
  struct stat st;
  if (::stat(target.c_str(), &st) == 0) {
    if (kind == OutputKind::File && S_ISDIR(st.st_mode))
      throw InputError("cannot write " + shown + ": it is a directory; name a file inside it");
    if (kind == OutputKind::Directory && !S_ISDIR(st.st_mode))
      throw InputError("cannot write " + shown + ": it exists and is " + type_name(st.st_mode) +
                       ", not a directory");
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
      throw InputError("cannot write " + shown + ": it is " + type_name(st.st_mode) +
                       "; scorelab replaces only regular files");
  }
  const std::string dir = directory_of(target);
  struct stat dst;
  if (::stat(dir.c_str(), &dst) != 0) {
    if (errno == ENOENT)
      throw InputError("cannot write " + shown + ": its directory '" + dir + "' does not exist");
    fail_io("write", path, errno);
  }
  if (!S_ISDIR(dst.st_mode))
    throw InputError("cannot write " + shown + ": '" + dir + "' is " + type_name(dst.st_mode) +
                     ", not a directory");
  if (::access(dir.c_str(), W_OK) != 0) fail_io("write", path, errno);
  for (const std::string& input : inputs)
    if (same_file(input, target))
      throw InputError("cannot write " + shown + ": it is also an input of this run ('" + input +
                       "'); writing it would destroy it");
  return target;
}

void check_distinct_outputs(const std::string& flag_a, const std::string& a,
                            const std::string& flag_b, const std::string& b) {
  if (same_file(a, b))
    throw InputError(flag_a + " '" + a + "' and " + flag_b + " '" + b +
                     "' name the same file; each output needs its own");
}

void remove_stale_temporaries(const std::string& target) {
  const std::string dir = directory_of(target), name = name_of(target);
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;  // best effort: the write itself reports an unusable directory
  std::vector<std::string> stale;
  while (const dirent* e = ::readdir(d)) {
    const std::string entry = e->d_name;
    if (!is_temp_of(entry, name)) continue;
    const std::string path = dir + "/" + entry;
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0 && older_than_process(st) &&
        (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
      stale.push_back(path);
  }
  ::closedir(d);
  for (const std::string& path : stale) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode))
      remove_plain_files_and_directory(path);
    else
      ::unlink(path.c_str());
  }
}

// --- StreamingFile, PendingFile -----------------------------------------------------------------

StreamingFile::StreamingFile(const std::string& path) : path_(path) {
  target_ = check_output(path);
  remove_stale_temporaries(target_);
  // Mode 0666 lets the umask decide, as a plain open() would for the target (mkstemp's 0600
  // would make an export private). O_EXCL never reuses someone else's file.
  std::random_device entropy;
  for (int attempt = 0; fd_ < 0; ++attempt) {
    temp_ = temp_name(target_, entropy);
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0 && (errno != EEXIST || attempt == 100)) {
      const int err = errno;
      temp_.clear();
      fail_io("write", path_, err);
    }
  }
}

StreamingFile::~StreamingFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

int StreamingFile::write_all(const void* data, std::size_t size) {
  return fd_ < 0 ? EBADF : write_fully(fd_, data, size);
}

void StreamingFile::write(std::string_view bytes) {
  if (const int err = write_all(bytes.data(), bytes.size()); err != 0) fail_io("write", path_, err);
}

void StreamingFile::close_descriptor() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void StreamingFile::commit() {
  if (committed_) return;
  // A file another program wrote by name is opened again to be synced.
  const int fd = fd_ >= 0 ? fd_ : ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
  fd_ = -1;
  if (fd < 0) fail_io("write", path_, errno);
  int err = ::fsync(fd) != 0 ? errno : 0;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) fail_io("write", path_, err);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) fail_io("replace", path_, errno);
  committed_ = true;
  // Make the rename itself durable; a failure here cannot undo it, so it is not an error.
  sync_directory(directory_of(target_));
}

PendingFile::PendingFile(const std::string& path, std::string_view contents) : file_(path) {
  file_.write(contents);
}

void write_file_atomic(const std::string& path, std::string_view contents) {
  PendingFile(path, contents).commit();
}

// --- PendingDirectory ---------------------------------------------------------------------------

PendingDirectory::PendingDirectory(const std::string& path) : path_(path) {
  target_ = check_output(path, {}, OutputKind::Directory);
  remove_stale_temporaries(target_);
  std::random_device entropy;
  for (int attempt = 0;; ++attempt) {
    temp_ = temp_name(target_, entropy);
    if (::mkdir(temp_.c_str(), 0777) == 0) break;
    if (errno != EEXIST || attempt == 100) {
      const int err = errno;
      temp_.clear();
      fail_io("write", path_, err);
    }
  }
}

PendingDirectory::~PendingDirectory() {
  if (!committed_ && !temp_.empty()) remove_plain_files_and_directory(temp_);
}

void PendingDirectory::write_file(const std::string& name, std::string_view bytes) {
  const std::string file = temp_ + "/" + name;
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail_io("write", path_, errno);
  // fsync each file as it is written, so commit() only has to rename, and a full disk shows at
  // the file that hit it.
  int err = write_fully(fd, bytes.data(), bytes.size());
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(file.c_str());
    fail_io("write", path_, err);
  }
}

void PendingDirectory::rename_file(const std::string& from, const std::string& to) {
  if (::rename((temp_ + "/" + from).c_str(), (temp_ + "/" + to).c_str()) != 0)
    fail_io("write", path_, errno);
}

void PendingDirectory::commit() {
  if (committed_) return;
  sync_directory(temp_);
  struct stat st;
  if (::lstat(target_.c_str(), &st) != 0) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail_io("write", path_, errno);
  } else if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) ==
             0) {
    // The previous directory is now under the temporary name: delete it.
    remove_plain_files_and_directory(temp_);
  } else {
    if (errno != EINVAL && errno != ENOSYS) fail_io("replace", path_, errno);
    // A file system without RENAME_EXCHANGE: move the old one aside, then the new one in (a
    // reader may briefly find no directory), and put the old one back if the second step fails.
    std::random_device entropy;
    const std::string aside = temp_name(target_, entropy);
    if (::rename(target_.c_str(), aside.c_str()) != 0) fail_io("replace", path_, errno);
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      const int err = errno;
      ::rename(aside.c_str(), target_.c_str());
      fail_io("replace", path_, err);
    }
    remove_plain_files_and_directory(aside);
  }
  committed_ = true;
  sync_directory(directory_of(target_));
}

}  // namespace scorelab
