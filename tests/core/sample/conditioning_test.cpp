// Controllable generation with the exact score against the exact GMM conditionals (SCORE_SPEC §5,
// §6): posterior guidance for a noisy observation of x₁ (reverse SDE and probability flow),
// score_sde's imputation (approximate: looser tolerance), class guidance at scale 1, and refusals.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/common/error.h"
#include "core/distributions/gaussian_mixture.h"
#include "core/sample/conditioning.h"
#include "core/sample/sampler_registry.h"
#include "core/scene/scene.h"
#include "core/scene/scene_run.h"

using namespace scorelab;

namespace {

// Two correlated components whose conditionals at x₁ = 0 sit 4.9 apart in x₂ (7 standard
// deviations), so splitting x₂ at the midpoint assigns modes with negligible error.
std::vector<GaussianComponent> two_correlated() {
  GaussianComponent a, b;
  a.weight = 0.6, a.mean = {-1.5, -1.0}, a.cov << 0.5, 0.3, 0.3, 0.6;
  b.weight = 0.4, b.mean = {1.5, 4.0}, b.cov << 0.4, -0.2, -0.2, 0.5;
  return {a, b};
}

// p(x₂ | y) for y = x₁ + N(0, obs²): SCORE_SPEC §6's conditional with Σ₁₁ → Σ₁₁ + obs² (obs = 0
// is p(x₂ | x₁ = a) itself). Weights, means, variances per component.
struct Conditional1d {
  std::vector<double> w, mean, var;
};
Conditional1d conditional_x2(const std::vector<GaussianComponent>& comps, double a, double obs) {
  Conditional1d c;
  double sum = 0;
  for (const GaussianComponent& k : comps) {
    const double s11 = k.cov(0, 0) + obs * obs, s21 = k.cov(1, 0), s22 = k.cov(1, 1);
    const double d = a - k.mean[0];
    c.w.push_back(k.weight * std::exp(-0.5 * d * d / s11) / std::sqrt(2 * M_PI * s11));
    sum += c.w.back();
    c.mean.push_back(k.mean[1] + s21 / s11 * d);
    c.var.push_back(s22 - s21 * s21 / s11);
  }
  for (double& w : c.w) w /= sum;
  return c;
}

// x₂ split at `cut`: per side, its fraction, mean and variance.
struct Split {
  double w[2], mean[2], var[2];
};
Split split_x2(const Points& x, double cut) {
  Split s{};
  double n[2] = {0, 0}, sum[2] = {0, 0}, sq[2] = {0, 0};
  for (Index i = 0; i < x.cols(); ++i) {
    const int side = x(1, i) < cut ? 0 : 1;
    n[side] += 1, sum[side] += x(1, i), sq[side] += double(x(1, i)) * x(1, i);
  }
  for (int k = 0; k < 2; ++k) {
    s.w[k] = n[k] / x.cols();
    s.mean[k] = sum[k] / n[k];
    s.var[k] = sq[k] / n[k] - s.mean[k] * s.mean[k];
  }
  return s;
}

Scene conditioned_scene(const Conditioning& c, SamplerConfig sampler, int particles) {
  Scene scene;
  scene.data.source = MixtureComponents(two_correlated());
  // σ_max = 50 (the spec's VE value): with 10 the prior N(0, 10²) is visibly off p_T for a
  // target centred 2.3 away from the origin, which the deterministic flow cannot correct (it gave
  // the modes 0.75 / 0.25 instead of 0.70 / 0.30); the SDE's noise mostly does.
  scene.noise.sde = SdeParams{SdeKind::VE, 0.01, 50.0, 0.1, 20.0, 1000};
  *sampler_condition(sampler) = c;
  scene.sampler = sampler;
  scene.particles = particles;
  scene.seed = 7;
  validate(scene);
  return scene;
}

// Checks a sample's x₂ against a two-mode 1-D target within the stated tolerances.
void check_modes(const Points& x, const Conditional1d& want, double tol_w, double tol_mean,
                 double tol_var) {
  REQUIRE(x.allFinite());
  const Split got = split_x2(x, 0.5 * (want.mean[0] + want.mean[1]));
  for (int k = 0; k < 2; ++k) {
    CAPTURE(k);
    MESSAGE("mode " << k << ": weight " << got.w[k] << " (exact " << want.w[k] << "), mean "
                    << got.mean[k] << " (" << want.mean[k] << "), variance " << got.var[k] << " ("
                    << want.var[k] << ")");
    CHECK(std::abs(got.w[k] - want.w[k]) < tol_w);
    CHECK(std::abs(got.mean[k] - want.mean[k]) < tol_mean);
    CHECK(std::abs(got.var[k] - want.var[k]) < tol_var);
  }
}

}  // namespace

// 4,000 particles. Standard errors: mode weight √(0.7·0.3/4000) = 0.0072; the smaller mode's
// mean √(0.4/1200) = 0.018; its variance 0.4·√(2/1200) = 0.016. Tolerances 0.03 / 0.06 / 0.07
// are about 4 standard errors plus the sampler's discretisation bias (N = 1000 steps), which the
// exact-score sampler tests bound at ~0.01.
TEST_CASE("posterior guidance for y = x1 + noise reproduces the exact conditional of x2") {
  Conditioning c;
  c.kind = Conditioning::Kind::Observation;
  c.observe = Conditioning::Observe::X1;
  c.x1 = 0.0;
  c.noise = 0.05;
  const Conditional1d want = conditional_x2(two_correlated(), 0.0, c.noise);
  SUBCASE("reverse SDE, Euler-Maruyama") {
    const Scene scene = conditioned_scene(c, ReverseSdeConfig{}, 4000);
    const Points x = sample_scene(scene);
    check_modes(x, want, 0.03, 0.06, 0.07);
    // x₁ is pinned to the observation within its posterior spread (≈ the noise 0.05).
    CHECK(std::abs(x.row(0).cast<double>().mean()) < 0.01);
  }
  SUBCASE("probability-flow ODE, RK45") {
    const Scene scene = conditioned_scene(c, ProbabilityFlowConfig{}, 4000);
    check_modes(sample_scene(scene), want, 0.03, 0.06, 0.07);
  }
  // With the observation noise → 0 this is p(x₂ | x₁ = a): at noise 0.05 the two differ by less
  // than the tolerances above (checked here on the formulas themselves).
  const Conditional1d exact = conditional_x2(two_correlated(), 0.0, 0.0);
  for (int k = 0; k < 2; ++k) {
    CHECK(std::abs(exact.w[k] - want.w[k]) < 0.01);
    CHECK(std::abs(exact.mean[k] - want.mean[k]) < 0.01);
    CHECK(std::abs(exact.var[k] - want.var[k]) < 0.01);
  }
}

// Imputation (score_sde's replacement method) only approximates p(x₂ | x₁ = a): the unknown
// coordinate follows the unconditional score at the noisy known value, so at high noise the
// particles are not shared between the modes by the conditional weights and the error in the
// mode weights does not shrink with more particles. Measured (VE, reverse diffusion + Langevin
// corrector, 4,000 particles): weights 0.64 / 0.36 against 0.70 / 0.30; means and variances within
// 0.02. Tolerances: 0.12 on weights (twice the measured bias), 0.15 on means and variances.
TEST_CASE("replacement imputation x1 = a approximates the exact conditional of x2 (looser tolerance)") {
  Conditioning c;
  c.kind = Conditioning::Kind::Imputation;
  c.imputer = Conditioning::Imputer::Replacement;
  c.observe = Conditioning::Observe::X1;
  c.x1 = 0.0;
  ReverseSdeConfig rs;
  rs.predictor = Predictor::ReverseDiffusion;
  rs.corrector = Corrector::Langevin;
  const Scene scene = conditioned_scene(c, rs, 4000);
  const Points x = sample_scene(scene);
  // The known coordinate is exactly the observation at the end (x_mean at t = eps, m = 1).
  CHECK(x.row(0).cwiseAbs().maxCoeff() == 0.0f);
  check_modes(x, conditional_x2(two_correlated(), 0.0, 0.0), 0.12, 0.15, 0.15);
}

// Scale 1 with the exact score: ∇log p_t(x) + ∇log r_k = ∇log p_t(x | k), so the samples are
// component k's Gaussian. 4,000 particles: mean SE ≤ √(0.5/4000) = 0.011 (tolerance 0.05);
// covariance entries' SE ≤ 0.5·√(2/4000) = 0.011 (tolerance 0.05).
TEST_CASE("class guidance with scale 1 reproduces the chosen component") {
  Conditioning c;
  c.kind = Conditioning::Kind::Class;
  c.component = 1;
  c.scale = 1.0;
  const Points x = sample_scene(conditioned_scene(c, ReverseSdeConfig{}, 4000));
  REQUIRE(x.allFinite());
  const PointsT<double> xd = x.cast<double>();
  const Eigen::Vector2d mean = xd.rowwise().mean();
  const PointsT<double> centred = xd.colwise() - mean;
  const Eigen::Matrix2d cov = centred * centred.transpose() / double(x.cols());
  const GaussianComponent want = two_correlated()[1];
  MESSAGE("class 1: mean " << mean.transpose() << ", cov " << cov(0, 0) << " " << cov(0, 1) << " "
                           << cov(1, 1));
  CHECK((mean - want.mean).cwiseAbs().maxCoeff() < 0.05);
  CHECK((cov - want.cov).cwiseAbs().maxCoeff() < 0.05);
}

TEST_CASE("guidance adds to the score: zero scale leaves it, the guided score is the target's") {
  const std::vector<GaussianComponent> comps = two_correlated();
  const GaussianMixture gmm(comps);
  Conditioning c;
  c.kind = Conditioning::Kind::Observation;
  c.observe = Conditioning::Observe::Both;
  c.x1 = 0.5, c.x2 = 1.0, c.noise = 0.3;
  const GuidedScore guided(gmm, comps, c);
  Points x(2, 3);
  x << -1, 0, 2, 0.5, 3, -1;
  const NoiseLevel lv = NoiseLevel::sigma(0.4);
  Points got, want;
  guided.score(x, lv, got);
  guided.target().score(x, lv, want);
  CHECK((got - want).cwiseAbs().maxCoeff() < 1e-4f);
  c.scale = 0;
  const GuidedScore none(gmm, comps, c);
  none.score(x, lv, got);
  gmm.score(x, lv, want);
  CHECK((got - want).cwiseAbs().maxCoeff() == 0.0f);
}

TEST_CASE("bad conditioning is refused with a message naming the field") {
  const auto rejects = [](Conditioning c, SamplerConfig s, const std::string& what) {
    CAPTURE(what);
    *sampler_condition(s) = c;
    Scene scene;
    scene.data.source = MixtureComponents(two_correlated());
    scene.sampler = s;
    CHECK_THROWS_AS(validate(scene), InputError);
    try {
      validate(scene);
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find(what) != std::string::npos);
    }
  };
  Conditioning c;
  c.kind = Conditioning::Kind::Observation;
  c.x1 = NAN;
  rejects(c, ReverseSdeConfig{}, "sampler.condition.x1");
  c.x1 = 5000;  // outside the world
  rejects(c, ReverseSdeConfig{}, "sampler.condition.x1");
  c.x1 = 0, c.noise = 0;  // the message states the range as accepted: 0 is out, 100 is in
  rejects(c, ReverseSdeConfig{}, "sampler.condition.noise must be finite and in (0, 100], got 0");
  c.noise = 1e308;
  rejects(c, ReverseSdeConfig{}, "sampler.condition.noise must be finite and in (0, 100], got");
  c = {};
  c.kind = Conditioning::Kind::Class;
  c.component = 2;
  rejects(c, ReverseSdeConfig{}, "sampler.condition.component");
  c.component = -1;  // named as an index, not as a number in [0, 1000000]
  rejects(c, ReverseSdeConfig{}, "sampler.condition.component is a mixture component's index "
                                 "(0 for the first), got -1");
  c.component = 0, c.scale = -1;
  rejects(c, ReverseSdeConfig{}, "sampler.condition.scale");
  c = {};
  c.kind = Conditioning::Kind::Imputation;
  c.imputer = Conditioning::Imputer::Replacement;
  rejects(c, ProbabilityFlowConfig{}, "reverse_sde");
  rejects(c, AnnealedLangevinConfig{}, "reverse_sde");
  // SMC imputation runs in annealed Langevin (its moves between reweightings) only.
  c.imputer = Conditioning::Imputer::Smc;
  rejects(c, ReverseSdeConfig{}, "annealed_langevin");
  rejects(c, ProbabilityFlowConfig{}, "annealed_langevin");
  c.imputer = Conditioning::Imputer::Exact;
  c.observe = Conditioning::Observe::Both;
  rejects(c, ReverseSdeConfig{}, "sampler.condition.observe");
  // Guidance needs mixture data.
  Scene scene;
  scene.data.source = std::string("moons");
  Conditioning g;
  g.kind = Conditioning::Kind::Class;
  ReverseSdeConfig rs;
  rs.condition = g;
  scene.sampler = rs;
  CHECK_THROWS_AS(validate(scene), InputError);
  // Exact imputation needs it too, and the message names the method that does not.
  rs.condition = {};
  rs.condition.kind = Conditioning::Kind::Imputation;
  scene.sampler = rs;
  CHECK_THROWS_WITH_AS(validate(scene), doctest::Contains("\"replacement\""), InputError);
  CHECK_THROWS_WITH_AS(validate(scene), doctest::Contains("\"method\": \"smc\""), InputError);
  rs.condition.imputer = Conditioning::Imputer::Replacement;
  scene.sampler = rs;
  CHECK_NOTHROW(validate(scene));
  // SMC needs only the score (and its divergence): the moons' empirical score has both.
  AnnealedLangevinConfig ald;
  ald.condition = rs.condition;
  ald.condition.imputer = Conditioning::Imputer::Smc;
  scene.sampler = ald;
  CHECK_NOTHROW(validate(scene));
}
