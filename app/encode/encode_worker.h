// EncodeWorker: a FrameSink driven from its own thread through a short queue, so the
// GL thread renders frame i+1 while frame i is quantised and compressed, and the window's UI never
// waits for an encoder. Errors of the sink (disk full, ffmpeg failing) surface on the caller's
// thread at its next call.
#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "app/encode/frame_sink.h"

namespace scorelab::encode {

class EncodeWorker {
 public:
  enum class State { Running, Done, Failed };

  EncodeWorker(std::unique_ptr<FrameSink> sink, int capacity);
  // Stops the thread; an unfinished sink is destroyed without finish(), which removes everything
  // it wrote (a cancelled export leaves no file behind).
  ~EncodeWorker();
  EncodeWorker(const EncodeWorker&) = delete;
  EncodeWorker& operator=(const EncodeWorker&) = delete;

  bool has_room() const;         // push() would not wait
  void push(Image frame);        // waits while the queue is full; rethrows a sink error
  void close();                  // no more frames: the thread finishes the sink
  State state() const;           // Done once finish() succeeded
  void wait() const;             // until Done or Failed
  void rethrow_failure() const;  // Failed: throws the sink's error
  int encoded() const;           // frames the sink has taken

 private:
  void loop();

  std::unique_ptr<FrameSink> sink_;
  const std::size_t capacity_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<Image> queue_;
  bool closed_ = false, quit_ = false;
  State state_ = State::Running;
  std::exception_ptr error_;
  int encoded_ = 0;
  std::thread thread_;
};

}  // namespace scorelab::encode
