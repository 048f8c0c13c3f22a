// read_input_file: stat first (type and size), then read the open descriptor, checking again
// that it is the regular file that was looked at.
#include "core/common/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/common/error.h"

namespace scorelab {
namespace {

std::string type_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

std::string read_input_file(const std::string& path, const std::string& what,
                            std::size_t max_bytes) {
  const std::string head = "cannot read " + what + " " + quoted_name(path) + ": ";
  if (path.empty()) throw InputError("no " + what + " given (empty path)");
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) throw InputError(head + "it does not exist");
    if (err == ENOTDIR)
      throw InputError(head + "a part of its path before the last is a file, not a directory");
    throw InputError(head + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode))
    throw InputError(head + "it is " + type_of(st.st_mode) + ", not a " + what);
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size > max_bytes)
    throw InputError(head + "it has " + std::to_string(size) + " bytes, more than the " +
                     std::to_string(max_bytes) + " a " + what + " may have");
  // O_NONBLOCK: should the path have been swapped for a FIFO since stat, open does not block.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw InputError(head + std::strerror(errno));
  struct stat opened;
  if (::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode)) {
    ::close(fd);
    throw InputError(head + "it is not a regular file");
  }
  std::string bytes;
  bytes.reserve(size);
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw InputError(head + std::strerror(err));
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
    if (bytes.size() > max_bytes) {  // it grew while we read
      ::close(fd);
      throw InputError(head + "it has more than the " + std::to_string(max_bytes) + " bytes a " +
                       what + " may have");
    }
  }
  ::close(fd);
  return bytes;
}

}  // namespace scorelab
