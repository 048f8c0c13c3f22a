#include "core/common/thread_pool.h"

#include <cassert>
#include <chrono>
#include <utility>

namespace scorelab {

ThreadPool::ThreadPool(int threads) {
  assert(threads >= 1);
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::run(int n, const std::function<void(int)>& task,
                     const std::function<void()>& waiting) {
  if (workers_.empty() || n <= 1) {  // nothing to share: no wake-ups
    for (int i = 0; i < n; ++i) task(i);
    return;
  }
  {
    std::lock_guard lock(mu_);
    task_ = &task;
    n_ = n;
    next_ = 0;
    error_ = nullptr;
    busy_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  start_cv_.notify_all();
  drain();
  std::unique_lock lock(mu_);
  const auto done = [&] { return busy_ == 0; };
  if (!waiting) {
    done_cv_.wait(lock, done);
  } else {
    while (!done_cv_.wait_for(lock, std::chrono::milliseconds(20), done)) {
      lock.unlock();  // the callback may take a while; workers must not wait for it
      waiting();
      lock.lock();
    }
  }
  task_ = nullptr;
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void ThreadPool::drain() {
  // Tasks are coarse (a chunk of a training batch, a millisecond or more), so handing them out
  // under the mutex costs nothing measurable and keeps the bookkeeping plain.
  for (;;) {
    int i;
    const std::function<void(int)>* task;
    {
      std::lock_guard lock(mu_);
      if (next_ >= n_) return;
      i = next_++;
      task = task_;
    }
    try {
      (*task)(i);
    } catch (...) {
      std::lock_guard lock(mu_);
      if (!error_) error_ = std::current_exception();
    }
  }
}

void ThreadPool::work() {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    drain();
    {
      std::lock_guard lock(mu_);
      if (--busy_ == 0) done_cv_.notify_one();
    }
  }
}

}  // namespace scorelab
