// MP4 (H.264) export through the ffmpeg program: raw RGB frames are piped into its stdin and it
// writes the video to a temporary file beside the target, renamed into place by finish().
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <vector>

#include "app/encode/sinks.h"
#include "core/common/error.h"

namespace scorelab::encode::detail {
namespace {

constexpr std::size_t kLogTail = 1500;  // bytes of ffmpeg's stderr quoted in an error

std::string ffmpeg_missing() {
  return "MP4 export needs the ffmpeg program, which was not found on PATH; install it (Debian: "
         "apt-get install ffmpeg) or export GIF or PNG";
}

// True if `name` is an executable file in a directory of $PATH, which is where posix_spawnp
// will look (an unset PATH means /bin:/usr/bin, as in glibc; an empty entry the current one).
bool program_on_path(const std::string& name) {
  const char* env = std::getenv("PATH");
  const std::string path = env ? env : "/bin:/usr/bin";
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = std::min(path.find(':', begin), path.size());
    const std::string dir = end == begin ? "." : path.substr(begin, end - begin);
    const std::string file = dir + "/" + name;
    struct stat st;
    if (::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(file.c_str(), X_OK) == 0)
      return true;
    if (end == path.size()) return false;
    begin = end + 1;
  }
}

// ffmpeg's -framerate as an exact rational: fps to 1/1000 (24 → "24/1", 29.97 → "2997/100").
std::string frame_rate_text(double fps) {
  long long num = std::llround(fps * 1000), den = 1000;
  const long long g = std::gcd(num, den);
  return std::to_string(num / g) + "/" + std::to_string(den / g);
}

// Blocks SIGPIPE for this thread while it writes to ffmpeg's stdin, so a dead ffmpeg shows up
// as EPIPE rather than killing the program; a SIGPIPE raised meanwhile is consumed before the
// old mask returns (unless one was already pending, which is then left alone). This changes
// nothing process-wide, unlike setting SIGPIPE to SIG_IGN.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    if (!was_pending_) {
      const timespec zero{};
      while (sigtimedwait(&pipe_, nullptr, &zero) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_, old_;
  bool was_pending_ = false;
};

class Mp4Sink final : public FrameSink {
 public:
  explicit Mp4Sink(const SinkOptions& options) : options_(options) {
    file_ = std::make_unique<StreamingFile>(options_.path);  // reserves the name
    file_->close_descriptor();                               // ffmpeg rewrites it by name
    try {
      spawn();
    } catch (...) {
      stop();
      throw;
    }
  }

  ~Mp4Sink() override {
    if (!finished_) stop();
  }

  void add(const Image& frame) override {
    assert(!finished_);
    check_frame(frame, options_);
    if (pid_ < 0)
      throw InputError("cannot write " + quoted_name(options_.path) + ": ffmpeg has stopped");
    int err;
    {
      const SigpipeBlock block;
      err = write_fully(stdin_, frame.rgb.data(), frame.rgb.size());
    }
    if (err == EPIPE) {
      wait_for_ffmpeg();
      throw InputError("cannot write " + quoted_name(options_.path) +
                       ": ffmpeg stopped: " + log_tail());
    }
    if (err != 0) fail_io("send a frame to ffmpeg for", options_.path, err);
    ++frames_;
  }

  void finish() override {
    assert(!finished_);
    if (frames_ == 0)
      throw InputError("nothing to write to " + quoted_name(options_.path) + ": no frames");
    ::close(stdin_);  // end of input: ffmpeg finishes the file and exits
    stdin_ = -1;
    const int status = wait_for_ffmpeg();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      const std::string how = WIFEXITED(status)
                                  ? "exit status " + std::to_string(WEXITSTATUS(status))
                                  : "killed by signal " + std::to_string(WTERMSIG(status));
      throw InputError("cannot write " + quoted_name(options_.path) + ": ffmpeg failed (" + how +
                       "): " + log_tail());
    }
    file_->commit();
    finished_ = true;
    ::close(log_);
    log_ = -1;
  }

  std::string describe() const override {
    return "MP4 " + size_text(options_.width, options_.height) + ", " + frames_text(frames_) +
           ", " + fps_text(options_.fps) + " fps";
  }

 private:
  // Starts ffmpeg reading raw rgb24 frames from a pipe on its stdin; its stdout goes to
  // /dev/null and its stderr to an in-memory file, quoted if it fails. No shell is involved, so
  // paths with spaces or quotes need no escaping.
  void spawn() {
    log_ = ::memfd_create("ffmpeg-stderr", MFD_CLOEXEC);
    if (log_ < 0) fail_io("start ffmpeg for", options_.path, errno);
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) fail_io("start ffmpeg for", options_.path, errno);
    stdin_ = pipe_fds[1];

    // clang-format off
    const std::vector<std::string> args = {
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", size_text(options_.width, options_.height),
        "-framerate", frame_rate_text(options_.fps), "-i", "-",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-crf", "18",
        "-movflags", "+faststart", "-fflags", "+bitexact", "-flags:v", "+bitexact",
        "-map_metadata", "-1",
        "-f", "mp4", file_->temp_path()};  // -f: the temporary name has no .mp4 extension
    // clang-format on
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    // dup2 onto 0 and 2 clears close-on-exec there; every other descriptor of ours stays shut.
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_adddup2(&files, pipe_fds[0], 0);
    posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&files, log_, 2);
    // ffmpeg starts with default signal handling and nothing blocked, whatever ours are.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, pipe_signal;
    sigemptyset(&none);
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &pipe_signal);
    // Its own process group: Ctrl-C in a terminal reaches scorelab only, which cancels the
    // export and stops ffmpeg itself, instead of ffmpeg quitting first with a message of its own.
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    pid_t pid = -1;
    const int err = ::posix_spawnp(&pid, "ffmpeg", &files, &attr, argv.data(), environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&files);
    ::close(pipe_fds[0]);
    if (err == ENOENT) throw InputError(ffmpeg_missing());
    if (err != 0) fail_io("start ffmpeg for", options_.path, err);
    pid_ = pid;
  }

  // Reaps ffmpeg and returns its wait status.
  int wait_for_ffmpeg() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

  // The end of what ffmpeg wrote to stderr, on one line; "the disk is full" added when it ran
  // out of space, as for the other formats.
  std::string log_tail() const {
    struct stat st;
    if (log_ < 0 || ::fstat(log_, &st) != 0 || st.st_size == 0) return "(no message)";
    const auto size = static_cast<std::size_t>(st.st_size);
    const std::size_t start = size > kLogTail ? size - kLogTail : 0;
    std::string text(size - start, '\0');
    const ssize_t n = ::pread(log_, text.data(), text.size(), static_cast<off_t>(start));
    text.resize(n > 0 ? std::size_t(n) : 0);
    std::string line;  // newlines and runs of blanks become one space
    for (const char c : text) {
      const bool blank = c == '\n' || c == '\r' || c == ' ' || c == '\t';
      if (!blank)
        line += c;
      else if (!line.empty() && line.back() != ' ')
        line += ' ';
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    text = line;
    if (start > 0) text = "..." + text;
    if (text.find("No space left on device") != std::string::npos) text += " (the disk is full)";
    return text.empty() ? "(no message)" : text;
  }

  // Abandons the export: closes the pipe, kills and reaps ffmpeg, removes the temporary file.
  void stop() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait_for_ffmpeg();
    }
    if (log_ >= 0) ::close(log_);
    log_ = -1;
    file_.reset();  // removes the temporary
  }

  SinkOptions options_;
  std::unique_ptr<StreamingFile> file_;  // the temporary beside the target: ffmpeg's output
  int stdin_ = -1;                       // write end of ffmpeg's stdin
  int log_ = -1;                         // memfd holding ffmpeg's stderr
  pid_t pid_ = -1;                       // ffmpeg, until reaped
  int frames_ = 0;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<FrameSink> make_mp4_sink(const SinkOptions& options) {
  if (options.width % 2 != 0 || options.height % 2 != 0)
    throw InputError("cannot export " + quoted_name(options.path) + ": MP4 size " +
                     size_text(options.width, options.height) +
                     " is not allowed: H.264 with 4:2:0 colour needs an even width and height");
  if (!program_on_path("ffmpeg")) throw InputError(ffmpeg_missing());
  return std::make_unique<Mp4Sink>(options);
}

}  // namespace scorelab::encode::detail
