// Issue 23 point 3: exact imputation x₂ | x₁ = a (the exact conditional score, conditioning.h)
// reproduces the exact conditional on a held-out three-component anisotropic mixture at several
// observed values; score_sde's replacement method, kept as the approximation it is, does not.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/nn/learned_score.h"
#include "core/sample/conditioning.h"
#include "core/sample/line_smc.h"
#include "core/scene/noise_fit.h"
#include "core/scene/scene.h"
#include "core/scene/scene_run.h"
#include "core/train/training_session.h"
#include "tests/core/sample/sample_testing.h"

namespace scorelab {
namespace {

// p(x₂ | x₁ = a) of a mixture, in closed form (SCORE_SPEC §6): per component its weight ∝
// π_k N(a; μ_k1, Σ_k11), mean μ_k2 + Σ_k21/Σ_k11 (a − μ_k1), variance Σ_k22 − Σ_k21²/Σ_k11.
struct Conditional {
  std::vector<double> w, mean, sd;
  int K() const { return int(w.size()); }
  double log_density_k(int k, double x) const {
    const double z = (x - mean[k]) / sd[k];
    return std::log(w[k]) - 0.5 * z * z - std::log(sd[k]);
  }
  int component_of(double x) const {  // largest responsibility
    int best = 0;
    for (int k = 1; k < K(); ++k)
      if (log_density_k(k, x) > log_density_k(best, x)) best = k;
    return best;
  }
  std::vector<double> sample(int n, Rng& rng) const {
    std::vector<double> out;
    Points z(2, n);
    rng.fill_normal(z);
    for (int i = 0; i < n; ++i) {
      // Inverse CDF on the weights with the second normal's sign-free tail: a uniform from z(1).
      const double u = 0.5 * std::erfc(-double(z(1, i)) / std::sqrt(2.0));
      int k = 0;
      for (double c = w[0]; k + 1 < K() && u > c; c += w[++k]) {
      }
      out.push_back(mean[k] + sd[k] * z(0, i));
    }
    return out;
  }
};

Conditional conditional_x2(const GaussianMixture& gm, double a) {
  Conditional c;
  double total = 0;
  for (const GaussianComponent& k : gm.components()) {
    const double s11 = k.cov(0, 0), s21 = k.cov(1, 0), s22 = k.cov(1, 1), d = a - k.mean[0];
    c.w.push_back(k.weight * std::exp(-0.5 * d * d / s11) / std::sqrt(s11));
    total += c.w.back();
    c.mean.push_back(k.mean[1] + s21 / s11 * d);
    c.sd.push_back(std::sqrt(s22 - s21 * s21 / s11));
  }
  for (double& w : c.w) w /= total;
  return c;
}

// 1-D energy distance 2E|X − Y| − E|X − X′| − E|Y − Y′| (V-statistic).
double energy_1d(const std::vector<double>& x, const std::vector<double>& y) {
  auto mean_abs = [](const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (double p : a)
      for (double q : b) s += std::abs(p - q);
    return s / (double(a.size()) * double(b.size()));
  };
  return 2 * mean_abs(x, y) - mean_abs(x, x) - mean_abs(y, y);
}

#ifdef SCORELAB_SANITIZED
constexpr int kImputationParticles = 500;  // the memory path; the numerics run in Release
#else
constexpr int kImputationParticles = 4000;
#endif

// The held-out scene imputing x₁ = a: VE with σ_max fitted to the data (as a scene file without
// sigma_max), `sampler` with its condition set to imputation of x₁ = a by `method`.
template <class Config>
Scene imputation_scene(const GaussianMixture& gm, double a, Config sampler,
                       Conditioning::Imputer method) {
  Scene scene;
  scene.data.source = MixtureComponents(gm.components());
  scene.noise.sde_sigma_max_from_data = true;
  scene.noise.schedule_sigma_max_from_data = true;
  fit_noise_to_data(scene);
  sampler.condition.kind = Conditioning::Kind::Imputation;
  sampler.condition.imputer = method;
  sampler.condition.x1 = a;
  scene.sampler = sampler;
  scene.particles = kImputationParticles;
  scene.seed = 11;
  validate(scene);
  return scene;
}

// score_sde's VE recipe: reverse diffusion + Langevin corrector.
ReverseSdeConfig reverse_sde_pc() {
  ReverseSdeConfig rs;
  rs.predictor = Predictor::ReverseDiffusion;
  rs.corrector = Corrector::Langevin;
  return rs;
}

// SMC imputation's sampler: annealed Langevin over 20 geometric levels (σ_L = 0.01, σ_1 fitted),
// 50 steps per level with α_i = 0.1 σ_i² (ε = 1e-5: a tenth of each level's variance, stable and
// mixing within a level in a few dozen steps).
Scene smc_scene(const GaussianMixture& gm, double a) {
  AnnealedLangevinConfig ald;
  ald.epsilon = 1e-5;
  ald.steps_per_level = 50;
  Scene scene = imputation_scene(gm, a, ald, Conditioning::Imputer::Smc);
  scene.noise.schedule.levels = 20;
  validate(scene);
  return scene;
}

// x₂ of the scene's particles (the exact score's, or `learned`'s).
std::vector<double> impute(const Scene& scene, double a, const ScoreModel* learned = nullptr) {
  const Points x = sample_scene(scene, learned);
  REQUIRE(x.allFinite());
  // The observed coordinate ends at a (exact: within the conditional's spread at t = eps, ~σ_min).
  CHECK((x.row(0).array() - float(a)).abs().maxCoeff() < 0.05f);
  std::vector<double> x2(x.cols());
  for (Index i = 0; i < x.cols(); ++i) x2[i] = x(1, i);
  return x2;
}
std::vector<double> impute(const GaussianMixture& gm, double a, Conditioning::Imputer method) {
  return impute(imputation_scene(gm, a, reverse_sde_pc(), method), a);
}

struct Verdict {
  double worst_z = 0;       // largest |weight − exact| in binomial standard errors
  double worst_error = 0;   // largest |weight − exact|
  double energy = 0, threshold = 0;
};

Verdict judge(const Conditional& want, const std::vector<double>& x2, std::uint64_t seed) {
  Verdict v;
  std::vector<double> got(want.K(), 0.0);
  for (double x : x2) got[want.component_of(x)] += 1.0 / x2.size();
  // The exact draw assigned the same way (assignment trims overlapping tails alike).
  Rng rng(seed);
  const std::vector<double> ref = want.sample(200000, rng);
  std::vector<double> ref_w(want.K(), 0.0);
  for (double x : ref) ref_w[want.component_of(x)] += 1.0 / ref.size();
  for (int k = 0; k < want.K(); ++k) {
    const double se = std::sqrt(std::max(ref_w[k] * (1 - ref_w[k]), 1e-12) / x2.size());
    v.worst_error = std::max(v.worst_error, std::abs(got[k] - ref_w[k]));
    v.worst_z = std::max(v.worst_z, std::abs(got[k] - ref_w[k]) / se);
  }
  // Energy threshold: 3× the worst of 8 exact-vs-exact distances at this n.
  for (int pair = 0; pair < 8; ++pair)
    v.threshold = std::max(v.threshold, energy_1d(want.sample(int(x2.size()), rng),
                                                  want.sample(int(x2.size()), rng)));
  v.threshold *= 3;
  v.energy = energy_1d(x2, want.sample(int(x2.size()), rng));
  return v;
}

// The learned-score test's training budget (small_sigma_test.cpp's) and its allowances for the
// learned score's own error: on the mode weights, on top of the 4 standard errors of sampling;
// on the energy, a multiple of the exact-vs-exact threshold (see the test for why).
constexpr long kLearnedImputationSteps = 8000;
constexpr double kLearnedWeightAllowance = 0.03;
constexpr double kLearnedEnergyAllowance = 3.0;

// The observed values on the held-out mixture (sample_testing.h anisotropic3: weights
// 0.5 / 0.3 / 0.2, correlated covariances, not a shipped dataset).
const double kObserved[] = {-2.0, 0.0, 1.0, 2.0};

}  // namespace

TEST_CASE("exact imputation reproduces the exact conditional x2 | x1 = a for several a") {
  const GaussianMixture gm = testing::anisotropic3();
  for (double a : kObserved) {
    CAPTURE(a);
    const Conditional want = conditional_x2(gm, a);
    const Verdict v = judge(want, impute(gm, a, Conditioning::Imputer::Exact), 5);
    CAPTURE(v.worst_z);
    CAPTURE(v.energy);
    CAPTURE(v.threshold);
    // Mode weights within 4 binomial standard errors plus 0.01 for the sampler's discretisation
    // (N = 1000; the exact-score sampler tests bound it at ~0.01); energy below the threshold.
    CHECK(v.worst_error <= 4 * std::sqrt(0.25 / kImputationParticles) + 0.01);
    CHECK(v.energy < v.threshold);
  }
}

#ifndef SCORELAB_SANITIZED
TEST_CASE("replacement imputation is biased: it misses the conditional's mode weights") {
  // The approximation the README states: at a = 0 its weights are far off (measured 0.2–0.5);
  // the test asserts only that the miss is far outside the sampling error, so that the README's
  // claim that the method is biased stays true.
  const GaussianMixture gm = testing::anisotropic3();
  const Conditional want = conditional_x2(gm, 0.0);
  const Verdict v = judge(want, impute(gm, 0.0, Conditioning::Imputer::Replacement), 5);
  CAPTURE(v.worst_error);
  MESSAGE("replacement at a = 0: largest weight error " << v.worst_error << ", energy "
                                                          << v.energy << " (threshold "
                                                          << v.threshold << ")");
  CHECK(v.worst_error > 0.1);
}
#endif

// SMC imputation's weights (core/sample/line_smc.h): the heat equation integrated at a particle
// gives the change of log p between two levels. Against the mixture's closed form on the line
// x₁ = a, for level pairs as annealing uses them (a ratio 1.44 in σ, 20 levels over 1000×) and a
// wide one (σ 3 → 0.3, as a two-level schedule has): measured largest error 4e-5 nats (Simpson in
// log σ² with steps of at most 0.2); bound 1e-3.
TEST_CASE("smc: the heat-equation weight is the closed-form change of log p on the line") {
  const GaussianMixture gm = testing::anisotropic3();
  const LineSmc smc(0, 0.5);
  Points x(2, 41);
  for (Index i = 0; i < x.cols(); ++i) x.col(i) << 0.5f, float(-6.0 + 0.3 * double(i));
  const double pairs[][2] = {{10.0, 6.9}, {1.44, 1.0}, {0.2, 0.139}, {0.0144, 0.01}, {3.0, 0.3}};
  for (const auto& [from_s, to_s] : pairs) {
    CAPTURE(from_s);
    const NoiseLevel from = NoiseLevel::sigma(from_s), to = NoiseLevel::sigma(to_s);
    const Eigen::VectorXd got = smc.log_ratio(gm, from, to, x);
    PointsT<double> xd = x.cast<double>();
    ValuesT<double> lp_from, lp_to;
    gm.log_density(xd, from, lp_from);
    gm.log_density(xd, to, lp_to);
    double worst = 0;
    for (Index i = 0; i < x.cols(); ++i)
      worst = std::max(worst, std::abs(got[i] - (lp_to[i] - lp_from[i])));
    MESSAGE("σ " << from_s << " → " << to_s << ": largest weight error " << worst << " nats");
    CHECK(worst < 1e-3);
  }
}

TEST_CASE("smc: resampling keeps the particle count, follows the weights and resets them") {
  // 4000 particles, half at x₂ = 1 and half at x₂ = −1, reweighted 3 : 1 through a made-up score
  // whose heat-equation increment is ln 3 at x₂ > 0 and 0 elsewhere (s = (0, c), ∇·s = 0, so the
  // increment is ½ c² (v_to − v_from) = ln 3 for v 1 → 2 and c² = 2 ln 3).
  struct Tilt final : ScoreModel {
    void score(const Points& p, const NoiseLevel&, Points& out) const override {
      out.setZero(2, p.cols());
      for (Index i = 0; i < p.cols(); ++i)
        if (p(1, i) > 0) out(1, i) = float(std::sqrt(2 * std::log(3.0)));
    }
    bool has_divergence() const override { return true; }
    void divergence(const Points& p, const NoiseLevel&, Values& out) const override {
      out.setZero(p.cols());
    }
  } tilt;
  Points x(2, 4000);  // x₂ = ±(1 + i/4000): each particle recognisable after resampling
  for (Index i = 0; i < x.cols(); ++i)
    x.col(i) << 7.0f, float((i % 2 ? 1.0 : -1.0) * (1.0 + double(i) / 4000.0));
  LineSmc smc(0, 0.0);
  smc.start(x);
  CHECK((x.row(0).array() == 0.0f).all());  // the known coordinate is held
  Rng rng(3);
  smc.reweight(tilt, NoiseLevel::sigma(1.0), NoiseLevel::sigma(std::sqrt(2.0)), x, rng);
  // ESS = (2000·1 + 2000·3)² / (2000·1 + 2000·9) = 3200 ≥ 2000: not resampled yet.
  CHECK(smc.resamples() == 0);
  CHECK(smc.effective_sample_size() == doctest::Approx(3200).epsilon(1e-5));  // float score
  smc.resample(x, rng);
  CHECK(x.cols() == 4000);
  CHECK(smc.resamples() == 1);
  CHECK(smc.effective_sample_size() == doctest::Approx(4000).epsilon(1e-9));
  // Systematic resampling: each particle has ⌊n w_i⌋ or ⌈n w_i⌉ copies, n w_i = 1.5 (x₂ > 0) or
  // 0.5 (x₂ < 0).
  std::map<float, int> copies;
  for (Index i = 0; i < x.cols(); ++i) ++copies[x(1, i)];
  for (const auto& [value, count] : copies) {
    CAPTURE(value);
    CHECK(count >= (value > 0 ? 1 : 0));
    CHECK(count <= (value > 0 ? 2 : 1));
  }
}

// SMC imputation with the exact score: the method itself, without a learned score's error.
TEST_CASE("smc imputation with the exact score reproduces the exact conditional for several a") {
  const GaussianMixture gm = testing::anisotropic3();
  for (double a : kObserved) {
    CAPTURE(a);
    const Conditional want = conditional_x2(gm, a);
    const Verdict v = judge(want, impute(smc_scene(gm, a), a), 5);
    CAPTURE(v.worst_error);
    CAPTURE(v.energy);
    CAPTURE(v.threshold);
    CHECK(v.worst_error <= 4 * std::sqrt(0.25 / kImputationParticles) + 0.01);
    CHECK(v.energy < v.threshold);
  }
}

// Issue 23: a conditional sampler of the LEARNED score that passes against the exact conditional.
// The model: the scene's default VE recipe trained on the held-out mixture (8,000 steps, seed 1,
// EMA weights). SMC imputation follows it alone: no mixture, no exact classifier.
// Measured (AVX-512), weight error / energy ÷ threshold at a = −2, 0, 1, 2:
//   smc          0.0002 / 0.71, 0.012 / 0.78, 0.021 / 1.63, 0.010 / 0.07
//   replacement  0.002 / 19,   0.32 / 165,   0.34 / 243,   0.11 / 9.9   (same model)
// Why a tolerance beyond sampling error: the model's own density on the line at σ_L (its score
// integrated along x₂) is not the conditional: its mode weights at a = 0 are 0.002 / 0.998 against
// 0.37 / 0.62 (the small-σ score is wrong in the gap between modes) and its modes are 7–13% too
// wide. SMC decides the modes' shares at larger σ, where the score is good, and the weights of
// small σ move little mass (their ∫ dv is small); the width excess remains (a = 1: sd 0.48 and 0.54
// against 0.44 and 0.52). Hence: weights within 4 SE + 0.03, energy below 3 × the exact-vs-exact
// threshold.
// Sanitizers: 100 training steps, 200 particles, 4 levels × 5 steps: the memory paths, finite.
TEST_CASE("smc imputation with a learned score reproduces the exact conditional for several a") {
#ifdef SCORELAB_SANITIZED
  constexpr bool statistics = false;
  constexpr long train_steps = 100;
#else
  constexpr bool statistics = true;
  constexpr long train_steps = kLearnedImputationSteps;
#endif
  const GaussianMixture gm = testing::anisotropic3();
  const Scene base = smc_scene(gm, 0.0);
  TrainingSession session(base.train_config(),
                          [&](Index n, Rng& rng, Points& out) { gm.sample(n, rng, out); });
  for (long i = 0; i < train_steps; ++i) session.step();
  REQUIRE(session.warning().empty());
  const LearnedScore learned(session.snapshot(), /*use_ema=*/true);
  for (double a : kObserved) {
    CAPTURE(a);
    Scene scene = smc_scene(gm, a);
    if (!statistics) {
      scene.particles = 200;
      scene.noise.schedule.levels = 4;
      std::get<AnnealedLangevinConfig>(scene.sampler).steps_per_level = 5;
    }
    const std::vector<double> x2 = impute(scene, a, &learned);
    if (!statistics) continue;
    const Conditional want = conditional_x2(gm, a);
    const Verdict v = judge(want, x2, 5);
    MESSAGE("learned score, a = " << a << ": smc weight error " << v.worst_error << ", energy "
                                  << v.energy << " (threshold " << v.threshold << ")");
    CAPTURE(v.worst_error);
    CAPTURE(v.energy);
    CAPTURE(v.threshold);
    CHECK(v.worst_error <= 4 * std::sqrt(0.25 / kImputationParticles) + kLearnedWeightAllowance);
    CHECK(v.energy < kLearnedEnergyAllowance * v.threshold);
  }
}

}  // namespace scorelab
