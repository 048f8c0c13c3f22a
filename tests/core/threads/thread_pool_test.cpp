// The thread pool and the multi-threaded training step, under ThreadSanitizer (the test command
// builds this suite with it). Short: a few steps suffice for the race detector to see every path.
#include <doctest/doctest.h>

#include <stdexcept>
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
