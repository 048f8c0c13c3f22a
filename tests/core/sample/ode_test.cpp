// The ODE module (core/sample/ode.h) against closed forms:
//   dy/dt = −y                 y(t) = y(t0) e^{−(t − t0)}: each fixed-step method's order, both
//                              directions of time, RK45's tolerance;
//   the VE probability flow    of single-Gaussian data N(μ, s0² I), carried as a 3 × N state
//                              [x; Δ] with dΔ/dt = ∇·(−½ g² s) as a likelihood will:
//     x(σ) = μ + (x(σ′) − μ) √((s0² + σ²)/(s0² + σ′²)),   Δ = ln((s0² + σ²)/(s0² + σ′²))
//   (∇·s = −2/(s0² + σ²) and g² dt = dσ², SCORE_SPEC §6).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/distributions/gaussian_mixture.h"
#include "core/noise/sde.h"
#include "core/sample/ode.h"

namespace scorelab {
namespace {

using MatD = Eigen::MatrixXd;

void decay(double, const MatD& y, MatD& dy) {
  dy = -y;
}

MatD decay_start() {
  MatD y(1, 3);
  y << 1.0, -2.0, 0.5;
  return y;
}

// Largest error of integrating dy/dt = −y from t0 to t1.
double decay_error(const OdeOptions& o, double t0, double t1, int* nfe = nullptr) {
  OdeSolver<MatD> ode(o);
  MatD y = decay_start();
  ode.start(t0, t1);
  ode.run(decay, y);
  if (nfe) *nfe = ode.evaluations();
  return (y - decay_start() * std::exp(-(t1 - t0))).cwiseAbs().maxCoeff();
}

TEST_CASE("ODE: Euler, Heun and RK4 converge at their orders on exponential decay") {
  struct Case {
    OdeMethod method;
    int order, steps;
  };
  for (const Case c :
       {Case{OdeMethod::Euler, 1, 20}, Case{OdeMethod::Heun, 2, 20}, Case{OdeMethod::Rk4, 4, 10}}) {
    for (const auto& [t0, t1] : {std::pair{0.0, 1.0}, std::pair{1.0, 0.0}}) {
      const double e1 = decay_error({c.method, c.steps}, t0, t1);
      const double e2 = decay_error({c.method, 2 * c.steps}, t0, t1);
      const double observed = std::log2(e1 / e2);
      INFO(to_string(c.method) << " from " << t0 << " to " << t1 << ": errors " << e1 << ", " << e2
                               << ", observed order " << observed);
      CHECK(observed == doctest::Approx(c.order).epsilon(0.1));
    }
  }
}

TEST_CASE("ODE: fixed steps are counted, land on t1 and stop there") {
  OdeSolver<MatD> ode({OdeMethod::Heun, 7});
  MatD y = decay_start();
  ode.start(0.0, 0.3);
  std::vector<double> times;
  while (ode.step(decay, y)) times.push_back(ode.t());
  REQUIRE(times.size() == 7);
  CHECK(times.back() == 0.3);  // exactly, not 7 × (0.3 / 7)
  CHECK(times[2] == doctest::Approx(0.3 * 3 / 7).epsilon(1e-12));
  CHECK(ode.steps_taken() == 7);
  CHECK(ode.evaluations() == 14);  // Heun: two per step
  const MatD before = y;
  CHECK_FALSE(ode.step(decay, y));
  CHECK(y == before);
}

TEST_CASE("ODE: RK45 honours its tolerance and works harder for a tighter one") {
  int previous_nfe = 0;
  for (double rtol : {1e-3, 1e-5, 1e-7, 1e-9}) {
    for (const auto& [t0, t1] : {std::pair{0.0, 2.0}, std::pair{2.0, 0.0}}) {
      int nfe = 0;
      OdeOptions o;
      o.rtol = rtol;
      o.atol = 1e-12;
      const double err = decay_error(o, t0, t1, &nfe);
      // The controller bounds the local error per step; over this smooth decay the global error
      // stays within a few rtol of the solution's size (|y| ≤ 2 e²).
      const double scale = 2.0 * std::exp(std::abs(t1 - t0) * (t1 < t0 ? 1 : 0));
      INFO("rtol " << rtol << " from " << t0 << " to " << t1 << ": error " << err << ", " << nfe
                   << " evaluations");
      CHECK(err <= 5 * rtol * scale);
      if (t0 == 0.0) {
        CHECK(nfe > previous_nfe);
        previous_nfe = nfe;
      }
    }
  }
}

TEST_CASE("ODE: RK45 carries [x, Δ] of the VE probability flow to the closed form (float)") {
  const Eigen::Vector2d mu{1.0, -2.0};
  const double s0 = 0.5;
  GaussianComponent c;
  c.mean = mu;
  c.cov = s0 * s0 * Eigen::Matrix2d::Identity();
  const GaussianMixture data({c});
  SdeParams p;
  p.sigma_min = 0.01;
  p.sigma_max = 10.0;
  const Sde sde(p);

  // Rows 0–1: x; row 2: Δ, the accumulated divergence of the velocity.
  const auto velocity = [&](double t, const Eigen::MatrixXf& y, Eigen::MatrixXf& dy) {
    const NoiseLevel level = sde.level(t);
    const Points x = y.topRows(2);
    Points s;
    Values div;
    data.score(x, level, s);
    data.divergence(x, level, div);
    const double g = sde.diffusion(t);
    dy.resize(3, y.cols());
    dy.topRows(2) = static_cast<float>(-0.5 * g * g) * s;
    dy.row(2) = static_cast<float>(-0.5 * g * g) * div.transpose();
  };

  Rng rng(7);
  Eigen::MatrixXf y(3, 500);
  Points x0(2, 500);
  rng.fill_normal(x0);
  x0 *= 10.0f;  // the VE prior N(0, σ_max² I)
  y.topRows(2) = x0;
  y.row(2).setZero();
  const double t0 = 1.0, t1 = 1e-3;
  OdeSolver<Eigen::MatrixXf> ode;  // RK45, rtol = atol = 1e-5 (the reference settings)
  ode.start(t0, t1);
  int steps = 0;
  double last_t = t0;
  while (ode.step(velocity, y)) {
    CHECK(ode.t() < last_t);  // one accepted step per call, always towards t1
    last_t = ode.t();
    ++steps;
  }
  CHECK(ode.t() == t1);
  CHECK(steps == ode.steps_taken());

  const double sa = sde.level(t0).s, sb = sde.level(t1).s;
  const double ratio = (s0 * s0 + sb * sb) / (s0 * s0 + sa * sa);
  const Points x_exact =
      ((x0.colwise() - mu.cast<float>()) * static_cast<float>(std::sqrt(ratio))).colwise() +
      mu.cast<float>();
  const double x_err = (y.topRows(2) - x_exact).cwiseAbs().maxCoeff();
  const double d_err = (y.row(2).array() - static_cast<float>(std::log(ratio))).abs().maxCoeff();
  INFO(steps << " steps, max |x error| " << x_err << ", max |Δ error| " << d_err << " (Δ exact "
             << std::log(ratio) << ")");
  // rtol = atol = 1e-5 on a state of size up to ~30 (x starts at ~10 σ_max) in float. Measured:
  // 8.5e-6 in x, 1e-6 in Δ; the bounds leave room for another SIMD width, not for a lost order.
  CHECK(x_err < 1e-4);
  CHECK(d_err < 1e-4);
}

}  // namespace
}  // namespace scorelab
