// Atomic file writes: a reader (or a crash) sees the old file or the complete new one, never a
// half-written file, and a failed write leaves any previous file untouched.
#pragma once
#include <string>
#include <string_view>

namespace scorelab {

// A file written in full under a temporary name in the target's directory (write, fsync), which
// commit() renames over the target. Destroying it uncommitted removes the temporary, so several
// outputs of one run can be prepared first and committed together once all were written.
// Every failure throws InputError naming the path and the system's reason (strerror).
class PendingFile {
 public:
  PendingFile(std::string path, std::string_view contents);
  ~PendingFile();
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;

  void commit();  // rename over the target, then fsync the directory; once only

 private:
  std::string path_, temp_;
  bool committed_ = false;
};

// Writes `contents` to `path` atomically (a PendingFile committed at once).
void write_file_atomic(const std::string& path, std::string_view contents);

// Throws InputError unless the directory that would hold `path` exists and is writable, so a long
// job can refuse an impossible output before it starts rather than after it finished.
void require_writable_directory(const std::string& path);

}  // namespace scorelab
