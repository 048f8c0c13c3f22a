// The Trainer's thread: readers take snapshots and evaluate them while training runs and its
// settings change. Built and run under ThreadSanitizer by the test command.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "core/distributions/datasets.h"
#include "core/nn/learned_score.h"
#include "core/train/trainer.h"

using namespace scorelab;

namespace {
DataSource from(const GaussianMixture& gmm) {
  return [gmm](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
}
TrainConfig small_config() {
  TrainConfig cfg;
  cfg.model.width = 32;
  cfg.model.depth = 2;
  cfg.batch = 64;
  return cfg;
}
}  // namespace

TEST_CASE("readers evaluate snapshots while the trainer runs and its settings change") {
  Trainer trainer(small_config(), from(ring8()));
  trainer.publish_interval = 0.0;  // publish after every step: the most contention
  trainer.start();
  std::atomic<bool> stop{false};
  std::atomic<long> evaluations{0}, non_finite{0}, last_step{-1}, went_back{0};
  std::thread reader([&] {
    Points x(2, 300), s;
    Rng rng(1);
    rng.fill_normal(x);
    while (!stop) {
      const auto snap = trainer.snapshot();
      if (!snap || !snap->model) continue;
      LearnedScore(snap->model, evaluations % 2 == 0).score(x, NoiseLevel::sigma(0.5), s);
      non_finite += !s.allFinite();
      if (snap->model->step < last_step) ++went_back;  // snapshots only move forward (no reset here)
      last_step = snap->model->step;
      ++evaluations;
    }
  });
  trainer.wait_for_step(20);
  trainer.set_learning_rate(5e-4);
  trainer.set_batch(128);
  ObjectiveConfig sliced;
  sliced.kind = ObjectiveKind::SlicedVR;
  trainer.set_objective(sliced, small_config().sde, small_config().schedule);
  trainer.set_data(from(ncsn_toy()));
  trainer.wait_for_step(60);
  while (evaluations < 20) std::this_thread::yield();  // reads overlapped with training
  trainer.pause();
  trainer.wait_idle();
  const long paused_at = trainer.snapshot()->model->step;
  trainer.step_once();
  trainer.wait_idle();
  CHECK(trainer.snapshot()->model->step == paused_at + 1);  // exactly one step while paused
  stop = true;
  reader.join();
  CHECK(evaluations > 0);
  CHECK(non_finite == 0);
  CHECK(went_back == 0);
  CHECK(trainer.snapshot()->model->step >= 60);
  CHECK_FALSE(trainer.snapshot()->running);
}

TEST_CASE("a diverging trainer never publishes non-finite weights and says why") {
  TrainConfig cfg = small_config();
  cfg.adam.lr = 1e3;
  cfg.adam.grad_clip = 0;
  Trainer trainer(cfg, from(ring8()));
  trainer.publish_interval = 0.0;
  trainer.start();
  long seen = 0, bad = 0;
  for (int i = 0; i < 2000 && seen < 200; ++i) {
    const auto snap = trainer.snapshot();
    if (snap && snap->model) {
      ++seen;
      bad += !snap->model->params.allFinite() || !snap->model->ema.allFinite();
    }
    std::this_thread::yield();
  }
  trainer.wait_for_step(40);
  trainer.pause();
  trainer.wait_idle();
  CHECK(bad == 0);
  CHECK(trainer.snapshot()->warning.find("diverged") != std::string::npos);
}

TEST_CASE("a step that throws stops training, keeps the trainer alive and says why") {
  // The data source fails from its 7th call on: the first fits the skip far field's reach when
  // the session is made (core/train/training_session.h), the next 5 are good batches. A step
  // draws its batch before it changes anything, so the weights of the 5 good steps stay published.
  std::atomic<int> calls{0};
  std::atomic<bool> fail{true};
  const GaussianMixture gmm = ring8();
  DataSource flaky = [&, gmm](Index n, Rng& rng, Points& out) {
    if (fail && ++calls > 6) throw std::runtime_error("the data file vanished");
    gmm.sample(n, rng, out);
  };
  Trainer trainer(small_config(), flaky);
  trainer.publish_interval = 0.0;
  trainer.start();
  trainer.wait_idle();
  auto snap = trainer.snapshot();
  CHECK_FALSE(snap->running);
  CHECK(snap->error == "the data file vanished");
  REQUIRE(snap->model);
  CHECK(snap->model->step == 5);
  CHECK(snap->model->params.allFinite());

  // Alive: once the source works again, a step succeeds and the error is cleared.
  fail = false;
  trainer.step_once();
  trainer.wait_idle();
  snap = trainer.snapshot();
  CHECK(snap->model->step == 6);
  CHECK(snap->error.empty());
  CHECK_FALSE(snap->running);
}

// New data is drawn at once to refit the skip far field's reach (core/nn/mlp.h): a source that
// throws there stops training like a failing step, keeps the trainer alive, and leaves the
// session with its previous data and model.
TEST_CASE("new data whose source throws stops training and keeps the trainer alive") {
  const GaussianMixture gmm = ring8();
  Trainer trainer(small_config(), from(gmm));
  trainer.publish_interval = 0.0;
  trainer.step_once();
  trainer.wait_idle();
  const auto before = trainer.snapshot();
  REQUIRE(before->model);
  REQUIRE(before->model->mlp->reach().has_value());
  trainer.set_data([](Index, Rng&, Points&) { throw std::runtime_error("no such file"); });
  trainer.wait_idle();
  auto snap = trainer.snapshot();
  CHECK(snap->error == "no such file");
  CHECK_FALSE(snap->running);
  // The previous data still trains, with the same reach.
  trainer.step_once();
  trainer.wait_idle();
  snap = trainer.snapshot();
  CHECK(snap->error.empty());
  CHECK(snap->model->step == 2);
  CHECK(snap->model->mlp->reach() == before->model->mlp->reach());
}
