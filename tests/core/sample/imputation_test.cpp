// Issue 23 point 3: exact imputation x₂ | x₁ = a (the exact conditional score, conditioning.h)
// reproduces the exact conditional on a held-out three-component anisotropic mixture at several
// observed values; score_sde's replacement method, kept as the approximation it is, does not.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/sample/conditioning.h"
#include "core/scene/noise_fit.h"
#include "core/scene/scene.h"
#include "core/scene/scene_run.h"
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

// x₂ of the particles of the exact-score reverse SDE imputing x₁ = a.
std::vector<double> impute(const GaussianMixture& gm, double a, Conditioning::Imputer method) {
  Scene scene;
  scene.data.source = MixtureComponents(gm.components());
  scene.noise.sde_sigma_max_from_data = true;  // as a scene file without sigma_max
  fit_noise_to_data(scene);
  ReverseSdeConfig rs;  // score_sde's VE recipe: reverse diffusion + Langevin corrector
  rs.predictor = Predictor::ReverseDiffusion;
  rs.corrector = Corrector::Langevin;
  rs.condition.kind = Conditioning::Kind::Imputation;
  rs.condition.imputer = method;
  rs.condition.x1 = a;
  scene.sampler = rs;
  scene.particles = kImputationParticles;
  scene.seed = 11;
  validate(scene);
  const Points x = sample_scene(scene);
  REQUIRE(x.allFinite());
  // The observed coordinate ends at a (exact: within the conditional's spread at t = eps, ~σ_min).
  CHECK((x.row(0).array() - float(a)).abs().maxCoeff() < 0.05f);
  std::vector<double> x2(x.cols());
  for (Index i = 0; i < x.cols(); ++i) x2[i] = x(1, i);
  return x2;
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

}  // namespace scorelab
