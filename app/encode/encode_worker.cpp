// The encoder thread and its queue (see encode_worker.h).
#include "app/encode/encode_worker.h"

namespace scorelab::encode {

EncodeWorker::EncodeWorker(std::unique_ptr<FrameSink> sink, int capacity)
    : sink_(std::move(sink)), capacity_(static_cast<std::size_t>(std::max(capacity, 1))) {
  thread_ = std::thread([this] { loop(); });
}

EncodeWorker::~EncodeWorker() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
  sink_.reset();  // unfinished: removes its temporary files
}

bool EncodeWorker::has_room() const {
  std::lock_guard lock(mu_);
  return queue_.size() < capacity_ || state_ == State::Failed;
}

void EncodeWorker::push(Image frame) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queue_.size() < capacity_ || state_ != State::Running; });
  if (error_) std::rethrow_exception(error_);
  queue_.push_back(std::move(frame));
  cv_.notify_all();
}

void EncodeWorker::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

EncodeWorker::State EncodeWorker::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

void EncodeWorker::wait() const {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return state_ != State::Running; });
}

void EncodeWorker::rethrow_failure() const {
  std::lock_guard lock(mu_);
  if (error_) std::rethrow_exception(error_);
}

int EncodeWorker::encoded() const {
  std::lock_guard lock(mu_);
  return encoded_;
}

void EncodeWorker::loop() {
  for (;;) {
    Image frame;
    bool finish = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return quit_ || !queue_.empty() || closed_; });
      if (quit_) return;
      if (!queue_.empty()) {
        frame = std::move(queue_.front());
        queue_.pop_front();
      } else {
        finish = true;  // closed and drained
      }
    }
    cv_.notify_all();  // room in the queue
    try {
      if (finish) {
        sink_->finish();
      } else {
        sink_->add(frame);
      }
    } catch (...) {
      std::lock_guard lock(mu_);
      error_ = std::current_exception();
      state_ = State::Failed;
      queue_.clear();
      cv_.notify_all();
      return;
    }
    std::lock_guard lock(mu_);
    if (finish) {
      state_ = State::Done;
      cv_.notify_all();
      return;
    }
    ++encoded_;
  }
}

}  // namespace scorelab::encode
