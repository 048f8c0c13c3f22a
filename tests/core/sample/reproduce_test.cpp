// Every sampler, fed the exact score, reproduces two Gaussian-mixture targets: ring8 (8 equal
// isotropic modes of std 0.3 on radius 4) and anisotropic3 (unequal weights, correlated modes).
//
// Tolerances (see check_reproduces): 5 standard errors of a 3,000-particle sample plus a bias
// allowance per sampler, each set just above the worst deviation MEASURED with 30,000 particles
// (where the sampling noise is √10 smaller, so what remains is mostly the method's own bias):
//   sampler (settings below)          weight   mean    cov (rel.)   measured at n = 30,000
//   Langevin, σ = 0.05                0        0       0            within noise (ULA var +1.1%)
//   annealed Langevin                 0.02     0.02    0.10         0.014 / 0.011 / 0.079
//   reverse SDE, every predictor, PC  0.01     0.03    0.08         0.005 / 0.021 / 0.074
//   probability flow, Euler 500 steps 0.01     0.04    0.10         0.004 / 0.037 / 0.078
//   probability flow, Heun/RK4/RK45   0.01     0.03    0.08         0.007 / 0.012 / 0.065
// The pooled spread (sample_testing.h: every mode's squared Mahalanobis distance, pooled) has
// 5 SE ≈ 9% at n = 3,000 and no bias allowance. Measured at n = 3,000: within ±4% for the SDE
// and ODE samplers, +3% for Langevin, +5% to +7% for annealed Langevin (its finite steps inflate
// the variance). It catches what the per-mode bands miss: Euler–Maruyama's noise scaled by 0.9
// moves it by −16% to −19% and fails.
// The VE SDE uses σ_max = 50 (the score_sde default): with σ_max = 10 the prior N(0, 100 I)
// misses the true p_1 (variance ≈ 104, mean offset 0.6), which moved the ODE's mode weights on
// anisotropic3 by 0.02 (4 SE) — a prior mismatch, not a sampler error.
#include <doctest/doctest.h>

#include "sample_testing.h"

namespace scorelab {
namespace {

using testing::Bias;

constexpr Index kReproduceParticles = 3000;

SdeParams sde_params(SdeKind kind) {
  SdeParams p;
  p.kind = kind;
  p.sigma_min = 0.01;
  p.sigma_max = 50.0;
  p.N = 1000;
  return p;
}

// Runs the sampler from its own start (SDE prior or its initial distribution) on both targets.
void check_both(const SamplerConfig& config, const Bias& bias, const SdeParams& sde,
                const SigmaSchedule& schedule = {}) {
  const std::pair<const char*, GaussianMixture> targets[] = {
      {"ring8", ring8()}, {"anisotropic3", testing::anisotropic3()}};
  std::uint64_t seed = 1;
  for (const auto& [name, gm] : targets) {
    CAPTURE(name);
    auto sampler = make_sampler(config, schedule, sde);
    Rng rng(++seed);
    sampler->start(kReproduceParticles, rng);
    sampler->run(gm, rng);
    CHECK(sampler->finished());
    testing::check_reproduces(name, gm, sampler->particles(), bias, seed);
  }
}

const Bias kSdeBias{0.01, 0.03, 0.08};

TEST_CASE("Langevin at a small fixed level keeps the perturbed target from an exact start") {
  // α = 0.002 against a mode variance of 0.0925: ULA inflates the variance by α/(2v) ≈ 1.1%,
  // well inside 5 SE (≈ 37% of the ring8 mode variance at 375 points a mode).
  LangevinConfig c;
  c.step_size = 0.002;
  c.steps = 500;  // 500 α / v ≈ 11 relaxation times
  c.sigma = 0.05;
  const NoiseLevel level = NoiseLevel::sigma(c.sigma);
  const std::pair<const char*, GaussianMixture> targets[] = {
      {"ring8@0.05", ring8()}, {"anisotropic3@0.05", testing::anisotropic3()}};
  for (const auto& [name, gm] : targets) {
    CAPTURE(name);
    const GaussianMixture target = gm.perturbed(level);
    auto sampler = make_sampler(c, {}, sde_params(SdeKind::VE));
    Rng rng(7);
    Points x0;
    target.sample(kReproduceParticles, rng, x0);
    sampler->start(x0);
    sampler->run(gm, rng);  // the clean mixture, asked at level σ = 0.05
    CHECK(sampler->steps_taken() == 500);
    testing::check_reproduces(name, target, sampler->particles(), {}, 7);
  }
}

TEST_CASE("annealed Langevin reproduces the targets from a uniform box") {
  AnnealedLangevinConfig c;
  c.epsilon = 2e-5;  // α/σ² = ε/σ_L² = 0.2 at the large levels; NCSN-like T = 100
  c.steps_per_level = 100;
  SigmaSchedule schedule;  // geometric 10 → 0.01, 10 levels
  check_both(c, {0.02, 0.02, 0.10}, sde_params(SdeKind::VE), schedule);
}

TEST_CASE("reverse SDE predictors reproduce the targets (VE)") {
  for (Predictor p :
       {Predictor::EulerMaruyama, Predictor::ReverseDiffusion, Predictor::Ancestral}) {
    CAPTURE(to_string(p));
    ReverseSdeConfig c;
    c.predictor = p;
    check_both(c, kSdeBias, sde_params(SdeKind::VE));
  }
}

TEST_CASE("predictor-corrector with the Langevin corrector reproduces the targets (VE)") {
  ReverseSdeConfig c;  // the score_sde VE configuration
  c.predictor = Predictor::ReverseDiffusion;
  c.corrector = Corrector::Langevin;
  c.snr = 0.16;
  check_both(c, kSdeBias, sde_params(SdeKind::VE));
}

TEST_CASE("reverse SDE predictors reproduce the targets (VP, sub-VP)") {
  ReverseSdeConfig c;
  c.eps = 1e-3;  // the score_sde sampling eps for VP / sub-VP
  for (Predictor p :
       {Predictor::EulerMaruyama, Predictor::ReverseDiffusion, Predictor::Ancestral}) {
    CAPTURE(to_string(p));
    c.predictor = p;
    check_both(c, kSdeBias, sde_params(SdeKind::VP));
  }
  c.predictor = Predictor::EulerMaruyama;
  c.corrector = Corrector::Langevin;  // exercises a = 1 − β_i
  check_both(c, kSdeBias, sde_params(SdeKind::VP));
  c.corrector = Corrector::None;
  check_both(c, kSdeBias, sde_params(SdeKind::SubVP));
}

TEST_CASE("probability-flow ODE reproduces the targets with every method") {
  const std::pair<OdeMethod, int> methods[] = {
      {OdeMethod::Euler, 500}, {OdeMethod::Heun, 100}, {OdeMethod::Rk4, 50}, {OdeMethod::Rk45, 1}};
  for (auto [method, steps] : methods) {
    CAPTURE(to_string(method));
    ProbabilityFlowConfig c;
    c.method = method;
    c.steps = steps;
    const Bias bias = method == OdeMethod::Euler ? Bias{0.01, 0.04, 0.10} : kSdeBias;
    check_both(c, bias, sde_params(SdeKind::VE));
  }
  ProbabilityFlowConfig vp;
  vp.t_end = 1e-3;
  check_both(vp, kSdeBias, sde_params(SdeKind::VP));
}

}  // namespace
}  // namespace scorelab
