// The publication check of a trained model: held-out loss against the initial weights, and where
// its samples land against where the data lies.
#include "core/scene/model_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/common/error.h"
#include "core/nn/learned_score.h"
#include "core/scene/limits.h"
#include "core/scene/exact_score.h"
#include "core/scene/streams.h"
#include "core/train/objective.h"
#include "core/train/quality.h"

namespace scorelab {
namespace {

constexpr Index kHeldOutPoints = 4096;
constexpr Index kCheckParticles = 256;
constexpr double kMaxCheckSeconds = 2;  // estimated (core/scene/limits.h)
// Score error: the quality meter's 8 bands (σ̂ from 0.01 to σ̂(1)), 1,000 points each. The trained
// model must remove at least a quarter of the untrained network's summed error: 300 steps of the
// CLI tests' scene (tests/app/hostile_cli_test.cpp) remove 57% at lr 0.003 and 50% at lr 0.1 (lr
// 1000 rolled back), but 0.3% at lr 1 (lr 10 rolled back: its samples sit at the data's mean).
constexpr double kMinErrorRemoved = 0.25;
constexpr Index kErrorPoints = 1000;

// A measured value for a message: 4 significant digits (these are estimates, not settings).
std::string rounded(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

// A fraction as a whole percentage ("0%", "-12%").
std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", 100 * fraction);
  return text;
}

}  // namespace

DataRegion data_region(const Scene& scene) {
  Rng rng = scene_streams(scene.seed).held_out;
  Points x;
  make_data_source(scene.data)(kHeldOutPoints, rng, x);
  DataRegion region;
  region.center = x.cast<double>().rowwise().mean();
  for (Index i = 0; i < x.cols(); ++i)
    region.radius = std::max(region.radius, (x.col(i).cast<double>() - region.center).norm());
  // An observed coordinate far from the data pulls the posterior towards it (x1 = 1000 on the
  // ring, noise 0.2, puts the samples near x1 = 693): the region reaches the observation, so such
  // samples are not taken for a diverged run.
  if (const Conditioning* c = sampler_condition(scene.sampler);
      c && (c->kind == Conditioning::Kind::Observation ||
            c->kind == Conditioning::Kind::Imputation)) {
    const bool x1 = c->observe != Conditioning::Observe::X2;
    const bool x2 = c->observe != Conditioning::Observe::X1;
    const double d1 = x1 ? std::abs(c->x1 - region.center.x()) : 0;
    const double d2 = x2 ? std::abs(c->x2 - region.center.y()) : 0;
    region.radius = std::max(region.radius, std::hypot(d1, d2));
  }
  return region;
}

Index count_outside(const Points& x, const DataRegion& region, double factor) {
  Index outside = 0;
  for (Index i = 0; i < x.cols(); ++i) {
    const double d = (x.col(i).cast<double>() - region.center).norm();
    if (!(d <= factor * region.radius)) ++outside;  // NaN compares false: counted
  }
  return outside;
}

Scene sampling_check_scene(Scene scene) {
  scene.particles = static_cast<int>(kCheckParticles);
  // The check must not take longer than the training: a scene whose own sampler would take over
  // 2 s on these few particles (10⁶ Langevin steps) is checked with a 200-step reverse SDE
  // of its noise process instead. A sampler that follows no score (the forward SDE) cannot show
  // what the model learned: the reverse SDE checks it.
  if (estimate_cost(scene, {.sample = true, .learned = true}).run_seconds() > kMaxCheckSeconds ||
      sampler_runs_forward(scene.sampler)) {
    scene.sampler = ReverseSdeConfig{};
    scene.noise.sde.N = std::min(scene.noise.sde.N, 200);
  }
  return scene;
}

double check_seconds(const Scene& scene) {
  return estimate_cost(sampling_check_scene(scene), {.sample = true, .learned = true})
      .run_seconds();
}

ModelVerdict check_trained_model(const Checkpoint& c, const Eigen::VectorXf& initial_params) {
  const TrainConfig config = c.scene.train_config();
  const auto snapshot = c.snapshot();
  const Mlp& mlp = *snapshot->mlp;

  // 1. Held-out loss: the same batch and noise for both weight vectors. The held-out stream (apart
  // from the training streams, which train.seed seeds), split once for the batch, again for the
  // samples below.
  Rng held_out = scene_streams(c.scene.seed).held_out;
  Rng rng = held_out.split();
  Points x0;
  make_data_source(c.scene.data)(kHeldOutPoints, rng, x0);
  const Objective objective(config.objective, Sde(config.sde), config.schedule);
  ObjectiveBatch<float> batch;
  objective.draw(x0, rng, batch);
  Mlp::Context ctx;
  const double initial =
      objective.evaluate<float>(mlp, initial_params, batch, ctx, nullptr, nullptr);
  const double trained = objective.evaluate<float>(mlp, c.ema, batch, ctx, nullptr, nullptr);
  if (!std::isfinite(trained) || trained > initial)
    return {false, "its loss on held-out data (" + rounded(trained) +
                       ") is above that of the untrained network (" + rounded(initial) + ")"};

  // 2. Samples of the learned score: finite and near the data.
  const Scene scene = sampling_check_scene(c.scene);
  const LearnedScore score(snapshot, /*use_ema=*/true);
  auto sampler = make_sampler(scene.sampler, scene.noise.schedule, scene.noise.sde);
  Rng sampler_rng = held_out.split();
  sampler->start(kCheckParticles, sampler_rng);
  while (sampler->step(score, sampler_rng)) {
  }
  // Two bars: most samples near the data (a model that learned anything puts the bulk of its
  // samples inside twice the data's radius; lr 1e3 rolled back to 0.1 leaves the median at 2.4
  // radii on the ring), and hardly any far away (the case: radius 10³–10⁵).
  const DataRegion region = data_region(c.scene);
  const Points& x = sampler->particles();
  if (const Index outside = count_outside(x, region, 2); outside * 2 > kCheckParticles)
    return {false, std::to_string(outside) + " of " + std::to_string(kCheckParticles) +
                       " samples of the model lie beyond twice the data's radius (" +
                       rounded(region.radius) + ")"};
  if (const Index far = count_outside(x, region, 10); far * 10 > kCheckParticles)
    return {false, std::to_string(far) + " of " + std::to_string(kCheckParticles) +
                       " samples of the model lie beyond 10 times the data's radius (" +
                       rounded(region.radius) + ")"};

  // 3. Score error against the exact score of the data, trained vs untrained weights on the same
  // points (a model whose skip far field keeps its samples near the data can still have learned
  // nothing: its loss then barely moves, by 0.2% where a useful model's moves by 5%).
  {
    Rng exact_rng = held_out.split();
    const std::unique_ptr<ScoreModel> exact = make_exact_score(c.scene.data, exact_rng);
    Checkpoint untrained = c;
    untrained.ema = initial_params;
    const LearnedScore learned(snapshot, /*use_ema=*/true);
    const LearnedScore before(untrained.snapshot(), /*use_ema=*/true);
    const ExactSampler data = make_data_source(c.scene.data);
    const Rng error_rng = held_out.split();
    double error = 0, error_before = 0;
    for (const NoiseLevel& level : quality_levels(Sde(config.sde), QualityOptions{}.sigma_hat_min,
                                                  QualityOptions{}.bands)) {
      Rng a = error_rng, b = error_rng;  // the same points for both
      error += band_score_error(*exact, learned, data, level, kErrorPoints, a);
      error_before += band_score_error(*exact, before, data, level, kErrorPoints, b);
    }
    if (!std::isfinite(error) || error > (1 - kMinErrorRemoved) * error_before)
      return {false, "it removes " + percent(1 - error / error_before) +
                         " of the untrained network's score error (at least " +
                         percent(kMinErrorRemoved) + " needed)"};
  }

  return {};
}

}  // namespace scorelab
