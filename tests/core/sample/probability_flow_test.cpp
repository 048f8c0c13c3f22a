// The probability-flow ODE against its closed form on single-Gaussian data N(μ, s0² I) under VE:
//   x(σ) = μ + (x(σ′) − μ) √((s0² + σ²) / (s0² + σ′²)).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>

#include "sample_testing.h"

namespace scorelab {
namespace {

const Eigen::Vector2d kMu{1.0, -2.0};
constexpr double kS0 = 0.5;

GaussianMixture single_gaussian() {
  GaussianComponent c;
  c.mean = kMu;
  c.cov = kS0 * kS0 * Eigen::Matrix2d::Identity();
  return GaussianMixture({c});
}

SdeParams ve() {
  SdeParams p;
  p.sigma_min = 0.01;
  p.sigma_max = 10.0;
  return p;
}

// x0 carried exactly from time t0 to t1 (the VE marginal std is σ(t), as the reference).
Points exact_flow(const Points& x0, double t0, double t1) {
  const Sde sde(ve());
  const double s0 = sde.level(t0).s, s1 = sde.level(t1).s;
  const double r = std::sqrt((kS0 * kS0 + s1 * s1) / (kS0 * kS0 + s0 * s0));
  const Eigen::Vector2f mu = kMu.cast<float>();
  return ((x0.colwise() - mu) * static_cast<float>(r)).colwise() + mu;
}

// Largest error over the particles of integrating from t0 to t1 (each coordinate, data units).
double max_error(ProbabilityFlowConfig c, const Points& x0, int* steps = nullptr) {
  auto sampler = make_sampler(c, {}, ve());
  Rng rng(0);
  sampler->start(x0);
  sampler->run(single_gaussian(), rng);
  if (steps) *steps = sampler->steps_taken();
  return (sampler->particles() - exact_flow(x0, c.t_start, c.t_end)).cwiseAbs().maxCoeff();
}

Points prior_points(Index n) {
  Rng rng(11);
  Points x(2, n);
  Sde(ve()).sample_prior(x, rng);
  return x;
}

TEST_CASE("RK45 follows the closed form from the prior to the data") {
  ProbabilityFlowConfig c;  // RK45, rtol = atol = 1e-5, t from 1 to 1e-5
  const Points x0 = prior_points(256);
  int steps = 0;
  const double err = max_error(c, x0, &steps);
  INFO("RK45 noise → data: max error " << err << " in " << steps << " accepted steps");
  // The flow contracts |x − μ| from ~10 (σ = 10) to ~0.5: an accumulated relative error of
  // ~rtol = 1e-5 at the start's scale is ~1e-4 in data units; float storage adds ~1e-6. Measured
  // 6e-6 (12 accepted steps); allow 1e-4.
  CHECK(err < 1e-4);
  CHECK(steps > 5);  // adaptive, but not a single giant step
}

TEST_CASE("RK45 from data to noise and back returns to the start") {
  ProbabilityFlowConfig forward;
  forward.t_start = 1e-5;
  forward.t_end = 1.0;
  Rng rng(12);
  Points x0;
  single_gaussian().sample(256, rng, x0);
  // Expands |x − μ| ~20× to up to ~30: 1e-5 relative of that is 3e-4 (measured 4.4e-4); allow 1e-3.
  CHECK(max_error(forward, x0) < 1e-3);
  auto sampler = make_sampler(forward, {}, ve());
  sampler->start(x0);
  sampler->run(single_gaussian(), rng);
  ProbabilityFlowConfig back;  // 1 → 1e-5
  auto reverse = make_sampler(back, {}, ve());
  reverse->start(sampler->particles());
  reverse->run(single_gaussian(), rng);
  const double err = (reverse->particles() - x0).cwiseAbs().maxCoeff();
  INFO("RK45 round trip: max error " << err);
  // Each leg is within ~rtol·|x| ≈ 1e-5 relative; the return leg contracts the forward leg's
  // error by ~20×. Measured 3e-5; allow 1e-4 (the data spread is 0.5).
  CHECK(err < 1e-4);
}

TEST_CASE("Euler, Heun and RK4 converge at orders 1, 2 and 4") {
  // Error at n and 2n steps over t ∈ [1, 0.05] (stopping above σ_min keeps the errors far above
  // float round-off): the ratio should be 2^p; allow ±25% in the ratio for the pre-asymptotic
  // regime at these step counts.
  const Points x0 = prior_points(64);
  const std::tuple<OdeMethod, int, double> cases[] = {
      {OdeMethod::Euler, 80, 2.0}, {OdeMethod::Heun, 40, 4.0}, {OdeMethod::Rk4, 16, 16.0}};
  for (auto [method, n, expected] : cases) {
    CAPTURE(to_string(method));
    ProbabilityFlowConfig c;
    c.method = method;
    c.t_end = 0.05;
    c.steps = n;
    const double e1 = max_error(c, x0);
    c.steps = 2 * n;
    const double e2 = max_error(c, x0);
    INFO(to_string(method) << ": error " << e1 << " → " << e2 << ", ratio " << e1 / e2);
    CHECK(e1 / e2 == doctest::Approx(expected).epsilon(0.25));
  }
}

}  // namespace
}  // namespace scorelab
