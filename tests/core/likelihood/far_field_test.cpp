// Issue 23: a learned density stays sane off the data. A VP (and VE) model trained on a held-out
// mixture (anisotropic, unequal weights, offset from the origin) for 2,000 and 16,000 steps: its
// log p over a grid twice the data's extent lies between the exact log p and the skip far field's
// Gaussian (core/nn/mlp.h FarField), within a stated margin. With the network's h extrapolated
// everywhere (far_field "network", the behaviour before) the probability-flow ODE ran away from
// such points and the same check failed by 10⁴–10⁸ nats (measured below).
//
// The Release tree runs these numerics (8–10 s per process on a loaded 2-core machine: 16,000
// steps of a width-64 network, two 1,024-point grids and two NLLs); sanitizer and debug trees
// (SCORELAB_RELEASE_NUMERICS = 0) run the same path with 10 and 80 steps, a 4 × 4 grid and 10
// draws, and check only that it completes finitely.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/distributions/gaussian_mixture.h"
#include "core/field/field.h"
#include "core/likelihood/likelihood.h"
#include "core/nn/learned_score.h"
#include "core/train/training_session.h"

using namespace scorelab;

namespace {

// Three tilted components around (2.9, 1.7), weights 0.55 / 0.3 / 0.15; one thin in x (std 0.28).
GaussianMixture offset3() {
  return GaussianMixture({component(0.55, 2.5, 3.0, 0.6, 0.35, 0.3),
                          component(0.3, 5.0, 0.5, 0.08, 0.0, 0.9),
                          component(0.15, 0.5, -0.5, 0.4, -0.25, 0.25)});
}

// The grid over twice the data's extent: the bounding box of the components' 3-σ ellipses
// (x −1.40 … 5.85, y −2.35 … 4.64), its centre ± twice its larger half-side (±7.26).
Grid twice_the_extent(const GaussianMixture& gmm, int n) {
  Eigen::Vector2d lo = Eigen::Vector2d::Constant(1e300), hi = -lo;
  for (const GaussianComponent& c : gmm.components()) {
    const Eigen::Vector2d half = 3 * c.cov.diagonal().cwiseSqrt();
    lo = lo.cwiseMin(c.mean - half), hi = hi.cwiseMax(c.mean + half);
  }
  const Eigen::Vector2d mid = (lo + hi) / 2;
  const double h = 2 * ((hi - lo) / 2).maxCoeff();
  Grid g;
  g.x0 = mid.x() - h, g.x1 = mid.x() + h, g.y0 = mid.y() - h, g.y1 = mid.y() + h;
  g.nx = g.ny = n;
  return g;
}

struct Errors {
  // The largest excess of the learned log p beyond [min, max] of the exact and the Gaussian's.
  double bracket = 0;
  Eigen::Vector2d where = Eigen::Vector2d::Zero();
  double nll_gap = 0;  // mean NLL of data draws, learned minus exact
};

// The learned log p_eps (the exact p_T at the flow's end, so that only the learned flow is
// judged) against the exact log p_eps and the far field's Gaussian N(m μ, (m² σ_d² + s²) I).
Errors measure(const TrainingSession& session, const GaussianMixture& gmm, const Sde& sde,
               const PointsT<double>& x, const PointsT<double>& draws) {
  const LearnedScore learned(session.snapshot(), /*use_ema=*/true);
  LikelihoodOptions o;
  o.eps = sde.kind() == SdeKind::VE ? 1e-5 : 1e-3;  // the reference's sampling eps
  const NoiseLevel level = sde.level(o.eps);
  const auto learned_log_p = [&](const PointsT<double>& pts) {
    ValuesT<double> lp;
    FlowEnd end;
    REQUIRE(log_likelihood(learned, sde, pts, o, lp, nullptr, {}, nullptr, &end));
    return ValuesT<double>(log_p_T(sde, end.x, &gmm) + end.delta);
  };
  const ValuesT<double> lp = learned_log_p(x);
  ValuesT<double> exact;
  gmm.evaluate<double>(x, level, &exact, nullptr, nullptr);
  REQUIRE(session.mlp().reach().has_value());
  const Eigen::Vector2d mu = level.m * session.mlp().reach()->center;
  const double sd = session.mlp().config().sigma_data;
  const double var = level.m * level.m * sd * sd + level.s * level.s;
  Errors e;
  for (Index i = 0; i < x.cols(); ++i) {
    const double gauss =
        -(x.col(i) - mu).squaredNorm() / (2 * var) - std::log(2 * std::numbers::pi * var);
    const double excess =
        std::max({0.0, lp[i] - std::max(exact[i], gauss), std::min(exact[i], gauss) - lp[i]});
    if (!(excess <= e.bracket)) e.bracket = excess, e.where = x.col(i);  // NaN counts
  }
  ValuesT<double> exact_draws;
  gmm.evaluate<double>(draws, level, &exact_draws, nullptr, nullptr);
  e.nll_gap = exact_draws.mean() - learned_log_p(draws).mean();
  return e;
}

// Bound on the bracket excess: 15 nats, 1.5× the largest measured, for other SIMD widths
// (measured on the development machine, AVX-512: VP 9.9 / 10.0 nats after 2,000 / 16,000 steps,
// VE 8.7 / 8.4, each at the fringe of a component, where the network is on and the learned density
// falls off faster than the exact one). Beyond the window's outer edge the flow keeps the
// normalised distance from the centre, so the learned log p there is the Gaussian's (measured:
// the same to 4 digits at 2,000 and 16,000 steps), and the bracket holds by construction. With
// far_field "network" (the behaviour before) the excess is 1.2e5 (VP, 2,000 steps), 7.1e7 (VP,
// 16,000), 3.6e3 (VE, 2,000) and 2.6e6 nats (VE, 16,000), at (−4.8, 8.2) each time, where the
// exact log p is −192. Mean NLL of 200 draws within 0.25 nats of the exact, ~2× the largest
// measured (VP 0.13 / 0.006, VE 0.05 / 0.005): the window leaves the fit on the data alone.
void check_process(SdeKind kind) {
  const bool full = SCORELAB_RELEASE_NUMERICS;
  const GaussianMixture gmm = offset3();
  TrainConfig cfg;  // a new scene's recipe, lr as the likelihood recipe's
  cfg.sde.kind = kind;
  cfg.model = default_model_for(kind);
  // The 128-wide default takes ~20 s for 16,000 steps; 64 wide fails as badly today.
  cfg.model.width = 64;
  cfg.adam.lr = 3e-3;
  cfg.seed = 1;
  TrainingSession session(cfg, [gmm](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); });
  const Sde sde(cfg.sde);
  const PointsT<double> x = twice_the_extent(gmm, full ? 32 : 4).points<double>();
  Rng rng(7);
  Points draws;
  gmm.sample(full ? 200 : 10, rng, draws);
  for (const long budget : {2000L, 16000L}) {
    const long steps = full ? budget : budget / 200;
    while (session.steps() < steps) session.step();
    REQUIRE(session.warning().empty());
    CAPTURE(steps);
    const Errors e = measure(session, gmm, sde, x, draws.cast<double>());
    MESSAGE(to_string(kind) << " after " << steps << " steps: bracket excess " << e.bracket
                            << " nats at (" << e.where.x() << ", " << e.where.y() << "), NLL gap "
                            << e.nll_gap << " nats");
    REQUIRE(std::isfinite(e.bracket));
    REQUIRE(std::isfinite(e.nll_gap));
    if (full) {
      CHECK(e.bracket <= 15.0);
      CHECK(std::abs(e.nll_gap) <= 0.25);
    }
  }
}

}  // namespace

TEST_CASE("learned VP density off the data: between the exact and the far-field Gaussian") {
  check_process(SdeKind::VP);
}

TEST_CASE("learned VE density off the data: between the exact and the far-field Gaussian") {
  check_process(SdeKind::VE);
}
