// Background jobs: long computations (a model-density map, a long export's encoding) run on one
// worker thread that the runner starts once and joins at the end (never a thread per frame). A job
// reports its progress and checks for cancellation through its JobControl; the UI thread polls its
// handle and takes the result when it is done, so nothing is ever written into UI state from the
// worker. Jobs run one at a time, in the order submitted, below the UI thread
// (lower_thread_priority: the worker lowers itself before each job).
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/platform/thread_priority.h"
#include "core/common/foreground_gate.h"

namespace scorelab::app {

// Priority alone is not enough under software GL: a frame waits for the slowest of the
// rasteriser's threads, one per core. So background work also passes this gate (the trainer
// between steps; the quality meter between score-error bands, sampler steps and energy-distance
// blocks; the model-density map between ODE steps), and the window closes it while a frame
// rasterises and is presented (window.cpp). One per process, as the cores are: it outlives every
// worker.
inline ForegroundGate& background_gate() {
  static ForegroundGate gate;
  return gate;
}

// What a running job sees.
class JobControl {
 public:
  bool cancelled() const { return cancel_.load(std::memory_order_relaxed); }
  void progress(double fraction) { progress_.store(fraction, std::memory_order_relaxed); }

 private:
  template <class R>
  friend class Job;
  std::atomic<bool> cancel_{false};
  std::atomic<double> progress_{0.0};
};

// The UI thread's handle of one job.
template <class R>
class Job {
 public:
  enum class State { Queued, Running, Done, Cancelled, Failed };

  State state() const { return state_.load(std::memory_order_acquire); }
  bool finished() const { return state() >= State::Done; }
  double progress() const { return control_.progress_.load(std::memory_order_relaxed); }
  // Asks the job to stop at its next check; a queued job never starts.
  void cancel() { control_.cancel_.store(true, std::memory_order_relaxed); }
  // The result, once Done (moved out: call once).
  std::optional<R> take() {
    if (state() != State::Done) return std::nullopt;
    return std::move(result_);
  }
  const std::string& error() const { return error_; }  // the message, once Failed

 private:
  friend class JobRunner;
  void run(const std::function<R(JobControl&)>& work) {
    if (control_.cancelled()) {
      state_.store(State::Cancelled, std::memory_order_release);
      return;
    }
    state_.store(State::Running, std::memory_order_release);
    try {
      R r = work(control_);
      if (control_.cancelled()) {
        state_.store(State::Cancelled, std::memory_order_release);
        return;
      }
      result_ = std::move(r);
      control_.progress(1.0);
      state_.store(State::Done, std::memory_order_release);  // publishes result_
    } catch (const std::exception& e) {
      error_ = e.what();
      state_.store(State::Failed, std::memory_order_release);
    }
  }

  JobControl control_;
  std::atomic<State> state_{State::Queued};
  std::optional<R> result_;  // written by the worker before state_ becomes Done
  std::string error_;        // written by the worker before state_ becomes Failed
};

class JobRunner {
 public:
  JobRunner() : worker_([this] { loop(); }) {}
  // Cancels what is queued or running and joins the worker.
  ~JobRunner() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      for (auto& c : cancels_) c();
      if (running_cancel_) running_cancel_();
    }
    wake_.notify_all();
    worker_.join();
  }
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Queues `work`; its handle is shared by the caller and the worker.
  template <class R>
  std::shared_ptr<Job<R>> submit(std::function<R(JobControl&)> work) {
    auto job = std::make_shared<Job<R>>();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back([job, work = std::move(work)] { job->run(work); });
      cancels_.push_back([weak = std::weak_ptr<Job<R>>(job)] {
        if (auto j = weak.lock()) j->cancel();
      });
    }
    wake_.notify_one();
    return job;
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> next;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, nothing left
        next = std::move(queue_.front());
        queue_.pop_front();
        running_cancel_ = std::move(cancels_.front());
        cancels_.pop_front();
      }
      lower_thread_priority();  // as the process chooses now (a runner may predate the window)
      next();                   // a cancelled job returns at once
      std::lock_guard<std::mutex> lock(mutex_);
      running_cancel_ = nullptr;
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::deque<std::function<void()>> cancels_;  // one per queued job, same order
  std::function<void()> running_cancel_;        // the running job's, if any
  bool stopping_ = false;
  std::thread worker_;  // last: starts after the members above exist
};

}  // namespace scorelab::app
