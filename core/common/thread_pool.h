// ThreadPool: a few persistent worker threads that run the tasks of one call at a time.
//
// run(n, task) calls task(0) … task(n − 1), each exactly once, on the workers and on the calling
// thread, and returns when all are done. Which thread runs which task is not fixed, so a caller
// that wants results independent of the thread count gives each task its own output and combines
// them itself in a fixed order (TrainingSession does: a chunk of the batch per task). The
// threads are created once, in the constructor, and inherit that thread's scheduling priority
// (nice value, scheduling policy and cores on Linux); nothing is created per call.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace scorelab {

class ThreadPool {
 public:
  // threads ≥ 1: the calling thread plus threads − 1 workers.
  explicit ThreadPool(int threads);
  ~ThreadPool();  // stops and joins the workers
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs task(i) for i in [0, n) and waits for all of them. If tasks throw, the first exception
  // is rethrown here after every task has finished. Not reentrant: one run at a time.
  // `waiting` (may be empty) is called on the calling thread every 20 ms while it waits for the
  // workers' last tasks, e.g. to report progress from that thread. It must not throw.
  void run(int n, const std::function<void(int)>& task, const std::function<void()>& waiting = {});

 private:
  void work();   // the worker loop
  void drain();  // takes tasks of the current run until none is left

  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  std::uint64_t generation_ = 0;  // incremented by each run; workers wait for a new one
  bool stop_ = false;
  int busy_ = 0;  // workers still inside the current run

  // The current run; written under mu_ before generation_ changes, read after.
  const std::function<void(int)>* task_ = nullptr;
  int n_ = 0;
  int next_ = 0;  // the next task to hand out (under mu_)
  std::exception_ptr error_;

  std::vector<std::thread> workers_;
};

}  // namespace scorelab
