// PendingFile: temp file in the same directory + fsync + rename(2), which POSIX makes atomic.
#include "core/common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "core/common/error.h"

namespace scorelab {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw InputError("cannot " + what + " '" + path + "': " + std::strerror(err));
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

PendingFile::PendingFile(std::string path, std::string_view contents) : path_(std::move(path)) {
  // A hidden sibling with a random suffix: same file system (so rename is atomic), and O_EXCL
  // never reuses someone else's file. Mode 0666 lets the umask decide, as for a plain open().
  const auto slash = path_.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path_.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path_ : path_.substr(slash + 1);
  std::random_device entropy;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(entropy()));
    temp_ = dir + "." + base + ".tmp-" + suffix;
    fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt == 100)) {
      const int err = errno;
      temp_.clear();
      fail("write", path_, err);
    }
  }
  const char* p = contents.data();
  std::size_t left = contents.size();
  int err = 0;
  while (left > 0 && err == 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      err = errno;
    else
      p += n, left -= static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(temp_.c_str());
    temp_.clear();
    fail("write", path_, err);
  }
}

PendingFile::~PendingFile() {
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void PendingFile::commit() {
  if (committed_) return;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) fail("replace", path_, errno);
  committed_ = true;
  // Make the rename itself durable; a failure here cannot undo it, so it is not an error.
  const int dir = ::open(directory_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void require_writable_directory(const std::string& path) {
  if (::access(directory_of(path).c_str(), W_OK) != 0) fail("write", path, errno);
}

void write_file_atomic(const std::string& path, std::string_view contents) {
  PendingFile(path, contents).commit();
}

}  // namespace scorelab
