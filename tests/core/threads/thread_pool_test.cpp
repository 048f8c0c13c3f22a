// The thread pool and the multi-threaded training step, under ThreadSanitizer (the test command
// builds this suite with it). Short: a few steps suffice for the race detector to see every path.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/common/thread_pool.h"
#include "core/distributions/datasets.h"
#include "core/train/training_session.h"

using namespace scorelab;

TEST_CASE("the pool runs every task exactly once per call, and passes an exception on") {
  ThreadPool pool(3);
  CHECK(pool.threads() == 3);
  std::vector<int> runs(7, 0);
  for (int call = 0; call < 20; ++call) pool.run(7, [&](int i) { ++runs[i]; });
  for (int r : runs) CHECK(r == 20);
  CHECK_THROWS_AS(pool.run(4, [](int i) { if (i == 2) throw std::runtime_error("task 2"); }),
                  std::runtime_error);
  pool.run(2, [&](int i) { runs[i] = -1; });  // still usable after a throw
  CHECK(runs[0] == -1);
  CHECK(runs[1] == -1);
}

TEST_CASE("while the workers finish, the calling thread is called back every 20 ms") {
  ThreadPool pool(2);
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<bool> worker_started{false}, release{false};
  std::atomic<int> waits{0};
  bool waiting_on_caller = true;  // written only by the calling thread
  // The caller's task returns once a worker holds the other one, which the worker keeps until the
  // caller has been called back 3 times while waiting for it.
  pool.run(
      2,
      [&](int) {
        if (std::this_thread::get_id() == caller) {
          while (!worker_started) std::this_thread::yield();
        } else {
          worker_started = true;
          while (!release) std::this_thread::yield();
        }
      },
      [&] {
        waiting_on_caller = waiting_on_caller && std::this_thread::get_id() == caller;
        if (++waits >= 3) release = true;
      });
  CHECK(waiting_on_caller);
  CHECK(waits >= 3);
}

TEST_CASE("a training session steps on 3 threads and matches 1 thread") {
  auto run = [](int threads) {
    TrainConfig cfg;
    cfg.model.width = 16;
    cfg.model.depth = 2;
    cfg.batch = 512;  // 4 chunks
    cfg.threads = threads;
    const GaussianMixture gmm = ring8();
    TrainingSession session(cfg, [gmm](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); });
    for (int i = 0; i < 4; ++i) session.step();
    session.set_batch(300);  // 2 chunks: the pool shrinks to 2 threads
    for (int i = 0; i < 2; ++i) session.step();
    return session.params();
  };
  CHECK(run(3) == run(1));
}
