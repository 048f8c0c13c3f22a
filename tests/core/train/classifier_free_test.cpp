// Classifier-free guidance with a learned class-conditional network (SCORE_SPEC §9.5, issue 26):
// the shipped scene assets/scenes/cfg_mixture.json (a 3-component anisotropic mixture, class 0
// guided) with a smaller network and sampler so that it trains and samples in a few seconds.
//   w = 1  the learned s(x, 0) samples component 0: the energy test against exact draws of it.
//   w = 3  sharpens past the class conditional, as the exact classifier's γ = 3 does: both runs'
//          spread against the class conditional's (measure_sharpening) is measured and compared.
// Under the sanitizers (SCORELAB_SANITIZED) the same code runs a short budget that covers the
// memory paths (labelled batches, label dropout, class scores, the guided sampler) and checks
// only what that budget can show: the loss falls and everything is finite.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/nn/learned_score.h"
#include "core/scene/exact_score.h"
#include "core/scene/scene_run.h"
#include "core/train/objective.h"
#include "core/train/quality.h"

using namespace scorelab;

namespace {

#ifdef SCORELAB_SANITIZED
constexpr int kCfgSteps = 100;
constexpr Index kCfgParticles = 100;
#else
constexpr int kCfgSteps = 2500;
constexpr Index kCfgParticles = 1000;
#endif

Scene cfg_test_scene(double scale, Conditioning::Guidance guidance) {
  Scene scene = load_scene(std::string(SCORELAB_SOURCE_DIR) + "/assets/scenes/cfg_mixture.json");
  scene.train.model.width = 64;
  scene.train.model.depth = 2;
  scene.train.seed = 3;
  scene.noise.sde.N = 100;  // the reverse SDE's steps
  scene.particles = kCfgParticles;
  Conditioning& c = *sampler_condition(scene.sampler);
  c.scale = scale;
  c.guidance = guidance;
  return scene;
}

// The conditional denoising loss of `session`'s current weights on one fixed held-out batch:
// 4,096 labelled draws, every fourth label replaced by ∅, noise drawn once from `seed`.
double held_out_loss(const TrainingSession& session, const DataSource& data) {
  const TrainConfig& cfg = session.config();
  const Objective objective(cfg.objective, Sde(cfg.sde), cfg.schedule, cfg.model.sigma_data);
  Rng rng(99);
  Points x0;
  std::vector<int> labels;
  data(4096, rng, x0, labels);
  ObjectiveBatch<float> batch;
  objective.draw(x0, rng, batch);
  batch.level.label.resize(4096);
  for (Index i = 0; i < 4096; ++i) batch.level.label[i] = i % 4 == 0 ? kNoLabel : labels[i];
  Mlp::Context ctx;
  return objective.evaluate<float>(session.mlp(), session.params(), batch, ctx, nullptr, nullptr);
}

// E‖s_θ(x, k) − s(x | k)‖² / E‖s(x | k)‖² summed over the classes k and two levels (VP t = 0.05,
// 0.3), on 1,000 draws of each class's perturbed density: how well the network knows the classes.
double class_score_error(const ScoreModel& learned, const GaussianMixture& exact, const Sde& sde) {
  Rng rng(5);
  double err = 0, norm = 0;
  for (double t : {0.05, 0.3})
    for (int k = 0; k < exact.classes(); ++k) {
      const NoiseLevel level = sde.level(t);
      Points x, want, got;
      GaussianMixture({{1.0, exact.components()[std::size_t(k)].mean,
                        exact.components()[std::size_t(k)].cov}})
          .sample(1000, rng, x, level);
      exact.class_score(x, level, k, want);
      learned.class_score(x, level, k, got);
      err += (got - want).squaredNorm(), norm += want.squaredNorm();
    }
  return err / norm;
}

}  // namespace

// Release budget: 2,500 steps of batch 256 (width 64, depth 2, label dropout 0.15), the EMA
// weights; 1,000 particles of a 100-step reverse SDE. The energy test is the quality meter's:
// the distance to a fresh exact sample of component 0 must be below the 95th percentile of 100
// exact-vs-exact distances at the same size (exact samples pass 95 % of the time; a model whose
// w = 1 run were not the class conditional would sit far above). The exact score's own run of the
// same sampler is measured beside it.
TEST_CASE("classifier-free guidance: w = 1 samples the class conditional, w = 3 sharpens past it") {
  const Scene scene = cfg_test_scene(1.0, Conditioning::Guidance::ClassifierFree);
  const DataSource data = make_data_source(scene.data);
  const GaussianMixture exact(*mixture_components(scene.data));
  const Sde sde(scene.noise.sde);
  TrainingSession session(scene.train_config(), data);
  const double loss_before = held_out_loss(session, data);
  const double error_before =
      class_score_error(LearnedScore(session.snapshot(), false), exact, sde);
  for (int i = 0; i < kCfgSteps; ++i) session.step();
  const double loss_after = held_out_loss(session, data);
  const double error_after =
      class_score_error(LearnedScore(session.snapshot(), false), exact, sde);
  MESSAGE("conditional loss on a held-out batch: " << loss_before << " at step 0, " << loss_after
          << " at step " << kCfgSteps << "; class score error " << error_before << " -> "
          << error_after);
  CHECK(session.warning().empty());
  CHECK(std::isfinite(loss_after));
  const LearnedScore learned(session.snapshot(), /*use_ema=*/true);
  REQUIRE(learned.classes() == 3);

  const GaussianComponent target = mixture_components(scene.data)->at(0);
  const GaussianMixture component({{1.0, target.mean, target.cov}});
  const ExactSampler exact_class = [&](Index n, Rng& rng, Points& out) {
    component.sample(n, rng, out);
  };
  const Points cfg1 = sample_scene(scene, &learned);
  CHECK(cfg1.allFinite());

  const Scene exact3 = cfg_test_scene(3.0, Conditioning::Guidance::Classifier);
  const Points cfg3 = sample_scene(cfg_test_scene(3.0, Conditioning::Guidance::ClassifierFree),
                                   &learned);
  CHECK(cfg3.allFinite());
  if constexpr (kCfgSteps < 1000) return;  // the sanitizer budget: memory paths only

  // The loss is mostly the denoising target's own variance, so the held-out loss falls little
  // (measured 76.66 → 76.56); the class scores show the learning (error 0.85 → 0.087 measured).
  CHECK(loss_after < loss_before);
  CHECK(error_after < 0.25 * error_before);

  Rng rng(17);
  Points fresh;
  exact_class(kCfgParticles, rng, fresh);
  const EnergyReference ref = energy_reference(exact_class, kCfgParticles, 100, rng);
  const double energy = energy_distance(cfg1, fresh);
  const double exact_energy = energy_distance(sample_scene(cfg_test_scene(
                                                  1.0, Conditioning::Guidance::Classifier)),
                                              fresh);
  MESSAGE("w = 1: energy " << energy << " (exact score, same sampler: " << exact_energy
                           << "), exact-vs-exact p95 " << ref.p95);
  CHECK(energy < ref.p95);

  // Sharpening at w = γ = 3, both against the clean class conditional (level t = 0). Measured
  // in Release (AVX-512, seed 3): w = 1 learned 1.00; w = 3 learned 0.39, exact γ = 3 0.63. The
  // learned run sharpens more: γ multiplies the network's error in s(x, k) − s(x, ∅) too (at
  // 6,000 steps it reads 0.47). Bounds: w = 1 within 0.1 of 1 (the class conditional's own
  // samples spread 1 ± 0.05 at n = 1,000), and both w = 3 runs below 0.9: sharpened past it.
  const NoiseLevel clean = NoiseLevel::clean();
  const Sharpening at1 = measure_sharpening(target, clean, cfg1);
  const Sharpening learned3 = measure_sharpening(target, clean, cfg3);
  const Sharpening exact_3 = measure_sharpening(target, clean, sample_scene(exact3));
  MESSAGE("spread / class conditional's: w = 1 learned " << at1.ratio << "; w = 3 learned "
          << learned3.ratio << " (offset " << learned3.offset << "), exact gamma = 3 "
          << exact_3.ratio << " (offset " << exact_3.offset << ")");
  CHECK(at1.ratio > 0.9);
  CHECK(at1.ratio < 1.1);
  CHECK(learned3.ratio < 0.9);
  CHECK(exact_3.ratio < 0.9);
}
