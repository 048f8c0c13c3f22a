// The ForegroundGate (core/common/foreground_gate.h): background work waits at a closed gate and
// goes on when it opens, and waiting changes no result. Built and run under ThreadSanitizer by the
// test command. "Still waiting after 100 ms" is a one-sided check: a correct gate never lets work
// through early, so it cannot fail spuriously; a slow machine can only make it pass later.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/common/foreground_gate.h"
#include "core/distributions/datasets.h"
#include "core/likelihood/likelihood.h"
#include "core/nn/learned_score.h"
#include "core/sample/sampler_registry.h"
#include "core/train/quality.h"
#include "core/train/trainer.h"

using namespace scorelab;
using namespace std::chrono_literals;

TEST_CASE("a closed gate holds pass() until it opens") {
  ForegroundGate gate;
  gate.pass();  // open: returns at once
  CHECK_FALSE(gate.closed());
  gate.close();
  CHECK(gate.closed());
  std::atomic<bool> through{false};
  std::thread worker([&] {
    gate.pass();
    through = true;
  });
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(through.load());
  gate.open();
  worker.join();
  CHECK(through.load());
  pass(nullptr);  // no gate: never waits
}

TEST_CASE("the trainer takes no step while its gate is closed and goes on when it opens") {
  TrainConfig cfg;
  cfg.model.width = 32;
  cfg.model.depth = 2;
  cfg.batch = 64;
  const GaussianMixture gmm = ring8();
  ForegroundGate gate;
  Trainer trainer(std::make_unique<TrainingSession>(
                      cfg, [gmm](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); }),
                  &gate);
  trainer.publish_interval = 0.0;
  trainer.start();
  trainer.wait_for_step(3);
  gate.close();
  std::this_thread::sleep_for(50ms);  // a step begun before the close finishes
  const long held_at = trainer.snapshot()->model->step;
  std::this_thread::sleep_for(100ms);
  CHECK(trainer.snapshot()->model->step == held_at);
  // Snapshots and commands still answer while the loop waits at the gate.
  trainer.set_learning_rate(5e-4);
  CHECK(trainer.snapshot()->model);
  gate.open();
  trainer.wait_for_step(held_at + 5);
  CHECK(trainer.snapshot()->model->step >= held_at + 5);
  trainer.pause();
  trainer.wait_idle();
}

TEST_CASE("a quality measurement waits at a closed gate and reads the same once it opens") {
  const GaussianMixture gmm = ring8();
  const ExactSampler data = [&](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
  TrainConfig cfg;
  cfg.model.width = 32;
  cfg.model.depth = 2;
  TrainingSession session(cfg, data);
  for (int i = 0; i < 10; ++i) session.step();
  const LearnedScore learned(session.snapshot(), /*use_ema=*/true);
  const Sde sde(cfg.sde);
  SdeParams short_sde = cfg.sde;
  short_sde.N = 40;
  QualityOptions opt;
  opt.bands = 2;
  opt.error_points = 200;
  opt.particles = 100;
  Rng ref_rng(1);
  const EnergyReference ref = energy_reference(data, opt.particles, 10, ref_rng);
  const auto measure = [&](const ForegroundGate* gate) {
    auto sampler = make_sampler(ReverseSdeConfig{}, SigmaSchedule{}, short_sde);
    QualityOptions o = opt;
    o.gate = gate;
    Rng rng(7);
    return measure_quality(learned, gmm, data, &gmm, sde, *sampler, ref, o, rng);
  };
  const QualityReport plain = measure(nullptr);

  ForegroundGate gate;
  gate.close();
  std::atomic<bool> done{false};
  QualityReport gated;
  std::thread worker([&] {
    gated = measure(&gate);
    done = true;
  });
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(done.load());
  gate.open();
  worker.join();
  CHECK(gated.energy == plain.energy);
  CHECK(gated.rel_error == plain.rel_error);
}

TEST_CASE("a likelihood map's workers wait at a closed gate and give the same answer") {
  const GaussianMixture gmm = ring8();
  const Sde sde(SdeParams{});
  Points x(2, 64);
  Rng rng(3);
  gmm.sample(x.cols(), rng, x);
  LikelihoodOptions o;
  o.rtol = o.atol = 1e-4;
  o.chunk = 16;
  o.threads = 2;
  Values plain, gated;
  REQUIRE(log_likelihood(gmm, sde, x, o, plain));

  ForegroundGate gate;
  gate.close();
  LikelihoodControl control;
  control.gate = &gate;
  std::atomic<bool> done{false};
  std::thread worker([&] {
    log_likelihood(gmm, sde, x, o, gated, nullptr, control);
    done = true;
  });
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(done.load());
  gate.open();
  worker.join();
  REQUIRE(gated.size() == plain.size());
  CHECK((gated.array() == plain.array()).all());
}
