// Output files, written safely: the one module every writer uses (checkpoints, scenes, CSV, and
// every export encoder).
//
// A reader (or a crash) sees the old file or the complete new one, never a half-written file,
// and a failed or cancelled write leaves any previous file untouched. Before any work, an output
// path is checked (check_output): devices, FIFOs, sockets and directories are refused, a symbolic
// link is followed so the write replaces the file it points to (in that file's directory), and an
// output that is also an input of the run is refused. Temporaries are hidden siblings named
// ".<name>.tmp-XXXXXXXX"; ones a killed run left behind (older than this process) are removed by
// the next write to the same target.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace scorelab {

enum class OutputKind {
  File,       // a regular file, replaced whole
  Directory,  // a directory of files (PNG frames), replaced whole
};

// The path writes to `path` go to: `path` itself, or the file its chain of symbolic links ends
// at (which need not exist yet). Throws InputError for a loop of links.
std::string resolve_output(const std::string& path);

// Checks an output before a run starts and returns resolve_output(path). Throws InputError when
// the path is empty or ends in '/' (File), when what it resolves to exists and is not of `kind`
// (a directory for File, a device, FIFO or socket for either), when its directory is missing or
// not writable, or when it names the same file as one of `inputs` (also through links).
std::string check_output(const std::string& path, const std::vector<std::string>& inputs = {},
                         OutputKind kind = OutputKind::File);

// Throws InputError if two outputs of one run name the same file (also through links).
void check_distinct_outputs(const std::string& flag_a, const std::string& a,
                            const std::string& flag_b, const std::string& b);

// Removes the temporaries of `target` (".<name>.tmp-" + 8 hex digits, files, or directories of
// plain files) last modified before this process started, so not ours: runs killed mid-write.
void remove_stale_temporaries(const std::string& target);

// Throws InputError("cannot <what> '<path>': <strerror(err)>"), adding "(the disk is full)" for
// ENOSPC and EDQUOT so the user knows what to do.
[[noreturn]] void fail_io(const std::string& what, const std::string& path, int err);

// Writes all `size` bytes to fd (retrying short writes and EINTR); returns 0 or the errno of the
// failure (for pipes too: the MP4 encoder's frames to ffmpeg).
int write_fully(int fd, const void* data, std::size_t size);

// fsync(2) on a directory, so renames and new entries in it are durable. Best effort: a failure
// cannot undo what was done, so it is not an error.
void sync_directory(const std::string& dir);

// A file written incrementally (the encoders) under a temporary name beside its target;
// commit() makes it durable and renames it over the target. Destroying it uncommitted removes
// the temporary. The constructor checks the target (check_output without inputs) and removes
// stale temporaries first. Every failure throws InputError naming the target path.
class StreamingFile {
 public:
  explicit StreamingFile(const std::string& path);
  ~StreamingFile();
  StreamingFile(const StreamingFile&) = delete;
  StreamingFile& operator=(const StreamingFile&) = delete;

  // Writes all bytes (retrying short writes and EINTR); returns 0 or the errno of the failure,
  // for callers inside C callbacks that must not throw (giflib).
  int write_all(const void* data, std::size_t size);
  void write(std::string_view bytes);  // the same, throwing InputError
  // Closes the descriptor, for a file another program writes by name (ffmpeg's output).
  void close_descriptor();
  const std::string& temp_path() const { return temp_; }
  const std::string& target() const { return target_; }

  void commit();  // fsync, close, rename over the target, fsync the directory; once only

 private:
  std::string path_;    // as given, for messages
  std::string target_;  // resolved: what the rename replaces
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// A whole file, written and synced at construction under a temporary name; commit() renames it
// over the target. Several outputs of one run can be prepared first and committed together once
// all were written; destroying it uncommitted removes the temporary.
class PendingFile {
 public:
  PendingFile(const std::string& path, std::string_view contents);
  void commit() { file_.commit(); }

 private:
  StreamingFile file_;
};

// Writes `contents` to `path` atomically (a PendingFile committed at once).
void write_file_atomic(const std::string& path, std::string_view contents);

// A directory of files (PNG frames) written one by one under a temporary name beside the target
// directory; commit() puts it in place of the target. A previous target directory is exchanged
// with the new one in one step and its plain files then deleted: the caller must have checked
// that it holds only files it may delete (a previous export's frames). Destroying it uncommitted
// removes the temporary and its files.
class PendingDirectory {
 public:
  explicit PendingDirectory(const std::string& path);  // `path` without trailing '/'
  ~PendingDirectory();
  PendingDirectory(const PendingDirectory&) = delete;
  PendingDirectory& operator=(const PendingDirectory&) = delete;

  // A new file `name` in the temporary directory, written in full and fsynced.
  void write_file(const std::string& name, std::string_view bytes);
  void rename_file(const std::string& from, const std::string& to);
  const std::string& temp_path() const { return temp_; }
  const std::string& target() const { return target_; }

  void commit();

 private:
  std::string path_, target_, temp_;
  bool committed_ = false;
};

}  // namespace scorelab
