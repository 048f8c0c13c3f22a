// GaussianMixture: closed forms against finite differences and a per-point reference twin,
// normalisation, sampling moments, and the validation of components and levels.
#include <doctest/doctest.h>

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/distributions/gaussian_mixture.h"
#include "tests/core/distributions/check_helpers.h"

using namespace scorelab;
using namespace scorelab::test;

namespace {

// Three components with unequal weights, anisotropic and correlated covariances (one of each
// sign of correlation, one nearly degenerate) so no term of the formulas can hide.
GaussianMixture three_component() {
  GaussianComponent a{0.5, {-2, 1}, (Eigen::Matrix2d() << 1.0, 0.6, 0.6, 0.5).finished()};
  GaussianComponent b{0.3, {2.5, -1}, (Eigen::Matrix2d() << 0.3, -0.2, -0.2, 1.5).finished()};
  GaussianComponent c{0.2, {0.5, 3}, (Eigen::Matrix2d() << 2.0, 0.5, 0.5, 0.4).finished()};
  return GaussianMixture({a, b, c});
}

// The reference twin: one point at a time, straight from the header's formulas, with Eigen's
// general 2×2 inverse and determinant. scale_score / scale_div receive the size of the terms
// that the score and divergence sum (what float rounding is relative to).
struct MixtureReference {
  double log_density;
  Eigen::Vector2d score;
  double divergence;
  double scale_score;
  double scale_div;
};

MixtureReference reference(const GaussianMixture& g, const NoiseLevel& lv, const Eigen::Vector2d& x) {
  const Index K = g.size();
  Eigen::VectorXd logit(K);
  std::vector<Eigen::Vector2d> u(K);
  std::vector<double> tr(K);
  for (Index k = 0; k < K; ++k) {
    const GaussianComponent& c = g.components()[k];
    const Eigen::Matrix2d C = lv.m * lv.m * c.cov + lv.s * lv.s * Eigen::Matrix2d::Identity();
    const Eigen::Matrix2d Ci = C.inverse();
    const Eigen::Vector2d diff = x - lv.m * c.mean;
    u[k] = -Ci * diff;
    tr[k] = Ci.trace();
    logit[k] = std::log(c.weight) - std::log(2 * std::numbers::pi) -
               0.5 * std::log(C.determinant()) - 0.5 * diff.dot(Ci * diff);
  }
  const double mx = logit.maxCoeff();
  const Eigen::VectorXd e = (logit.array() - mx).exp();
  const Eigen::VectorXd r = e / e.sum();
  MixtureReference out{mx + std::log(e.sum()), Eigen::Vector2d::Zero(), 0, 0, 0};
  for (Index k = 0; k < K; ++k) {
    out.score += r[k] * u[k];
    out.divergence += r[k] * (u[k].squaredNorm() - tr[k]);
    out.scale_score += r[k] * u[k].norm();
    out.scale_div += r[k] * (u[k].squaredNorm() + tr[k]);
  }
  out.divergence -= out.score.squaredNorm();
  return out;
}

// The smallest standard deviation of any perturbed component: the length scale of p_level.
double smallest_std(const GaussianMixture& g, const NoiseLevel& lv) {
  double out = INFINITY;
  const GaussianMixture perturbed = g.perturbed(lv);
  for (const GaussianComponent& c : perturbed.components()) {
    const double half_tr = 0.5 * c.cov.trace();
    out = std::min(out, half_tr - std::sqrt(half_tr * half_tr - c.cov.determinant()));
  }
  return std::sqrt(out);
}

PointsT<double> many_points() {  // the test points plus 300 random ones: several 128-blocks
  PointsT<double> x(2, 87 + 300);
  x.leftCols(87) = test_points();
  Rng rng(5);
  for (Index i = 87; i < x.cols(); ++i) x.col(i) << 4 * rng.normal(), 4 * rng.normal();
  return x;
}

}  // namespace

TEST_CASE("GMM score and divergence are the finite-difference derivatives of log p, every level") {
  // Double throughout. Stencil error ≈ 1e-9 (see check_helpers.h); we demand 1e-6, relative per
  // point with a floor of 1 (units 1/data-unit for the score, 1/data-unit² for the divergence).
  const GaussianMixture g = three_component();
  const PointsT<double> x = test_points();
  for (const NoiseLevel& lv : test_levels()) {
    CAPTURE(lv.t);
    CAPTURE(lv.m);
    CAPTURE(lv.s);
    ValuesT<double> lp, dv;
    PointsT<double> sc;
    g.evaluate<double>(x, lv, &lp, &sc, &dv);
    const double h = 1e-3 * smallest_std(g, lv);
    const auto log_p = [&](const PointsT<double>& y) {
      ValuesT<double> v;
      g.evaluate<double>(y, lv, &v, nullptr, nullptr);
      return v;
    };
    const auto score = [&](const PointsT<double>& y) {
      PointsT<double> v;
      g.evaluate<double>(y, lv, nullptr, &v, nullptr);
      return v;
    };
    CHECK(worst_relative_error(sc, fd_score(log_p, x, h)) < 1e-6);
    CHECK(worst_relative_error(dv.transpose(), fd_divergence(score, x, h).transpose()) < 1e-6);
  }
}

TEST_CASE("GMM batched kernel matches the per-point reference twin (double and float)") {
  // Double: same formulas, different order of operations: 1e-11 relative (floor 1).
  // Float: the same float points in; rounding is relative to the size of the terms being summed
  // (Σ r_k ‖u_k‖ for the score, Σ r_k (‖u_k‖² + tr C_k⁻¹) for the divergence), a few ε_float
  // ≈ 1e-7 per operation. Measured worst ≈ 5e-6 (logits up to ~1e4 at the far points); demand
  // 1e-4, which still catches any wrong term or lost digit.
  const GaussianMixture g = three_component();
  const Points xf = many_points().cast<float>();
  const PointsT<double> x = xf.cast<double>();
  for (const NoiseLevel& lv : test_levels()) {
    CAPTURE(lv.s);
    ValuesT<double> lp, dv;
    PointsT<double> sc;
    g.evaluate<double>(x, lv, &lp, &sc, &dv);
    Values lpf, dvf;
    Points scf;
    g.evaluate<float>(xf, lv, &lpf, &scf, &dvf);
    double worst_d = 0, worst_f = 0;
    for (Index i = 0; i < x.cols(); ++i) {
      const MixtureReference ref = reference(g, lv, x.col(i));
      const double lp_scale = std::max(1.0, std::abs(ref.log_density));
      const double sc_scale = std::max(1.0, ref.scale_score);
      const double dv_scale = std::max(1.0, ref.scale_div);
      worst_d = std::max({worst_d, std::abs(lp[i] - ref.log_density) / lp_scale,
                          (sc.col(i) - ref.score).norm() / sc_scale,
                          std::abs(dv[i] - ref.divergence) / dv_scale});
      worst_f = std::max({worst_f, std::abs(lpf[i] - ref.log_density) / lp_scale,
                          (scf.col(i).cast<double>() - ref.score).norm() / sc_scale,
                          std::abs(dvf[i] - ref.divergence) / dv_scale});
    }
    CHECK(worst_d < 1e-11);
    CHECK(worst_f < 1e-4);
  }
}

TEST_CASE("GMM outputs are optional, and score() is the float score") {
  const GaussianMixture g = three_component();
  const Points x = many_points().cast<float>();
  const NoiseLevel lv = NoiseLevel::sigma(0.7);
  Values lp, dv;
  Points sc, sc_only, via_interface;
  g.evaluate<float>(x, lv, &lp, &sc, &dv);
  g.evaluate<float>(x, lv, nullptr, &sc_only, nullptr);
  g.score(x, lv, via_interface);
  CHECK(sc_only == sc);
  CHECK(via_interface == sc);
  Values lp_only;
  g.evaluate<float>(x, lv, &lp_only, nullptr, nullptr);
  CHECK(lp_only == lp);
}

TEST_CASE("GMM perturbed(level) evaluated clean equals the mixture evaluated at the level") {
  const GaussianMixture g = three_component();
  const PointsT<double> x = test_points();
  Sde vp([] {
    SdeParams p;
    p.kind = SdeKind::VP;
    return p;
  }());
  const NoiseLevel lv = vp.level(0.4);
  ValuesT<double> a, b;
  g.evaluate<double>(x, lv, &a, nullptr, nullptr);
  g.perturbed(lv).evaluate<double>(x, NoiseLevel::clean(), &b, nullptr, nullptr);
  CHECK((a - b).cwiseAbs().maxCoeff() < 1e-9 * a.cwiseAbs().maxCoeff());  // rounding only
  CHECK(g.perturbed(lv).components()[1].mean.isApprox(lv.m * g.components()[1].mean));
}

TEST_CASE("GMM density integrates to 1 (ring8, clean and at σ = 0.5)") {
  // Midpoint rule on [−8, 8]² with step 0.02: for Gaussians of std ≥ 0.3 the rule's error is
  // ~exp(−2π²σ²/h²) (negligible), the mass outside the box < 1e-10 (≥ 6.9 std from every mode),
  // so 1e-6 leaves room only for summation rounding.
  const GaussianMixture g = ring8();
  constexpr int n = 800;
  constexpr double h = 16.0 / n;
  PointsT<double> grid(2, n * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) grid.col(i * n + j) << -8 + (i + 0.5) * h, -8 + (j + 0.5) * h;
  for (const NoiseLevel& lv : {NoiseLevel::clean(), NoiseLevel::sigma(0.5)}) {
    ValuesT<double> lp;
    g.evaluate<double>(grid, lv, &lp, nullptr, nullptr);
    CHECK(lp.array().exp().sum() * h * h == doctest::Approx(1.0).epsilon(1e-6));
  }
}

TEST_CASE("GMM samples match weights, means and covariances (clean and VP t = 0.3)") {
  // 200k draws. Tolerances are 5 standard errors: weight √(π(1−π)/n), mean √(C_ii/n_k),
  // covariance entry √((C_ii C_jj + C_ij²)/n_k) (Gaussian fourth moments).
  const GaussianMixture g = three_component();
  SdeParams p;
  p.kind = SdeKind::VP;
  const Index n = 200000;
  for (const NoiseLevel& lv : {NoiseLevel::clean(), Sde(p).level(0.3)}) {
    CAPTURE(lv.m);
    Rng rng(42);
    Points out;
    std::vector<int> labels;
    g.sample(n, rng, out, lv, &labels);
    REQUIRE(out.cols() == n);
    REQUIRE(labels.size() == std::size_t(n));
    const GaussianMixture pert = g.perturbed(lv);
    for (Index k = 0; k < g.size(); ++k) {
      CAPTURE(k);
      const GaussianComponent& c = pert.components()[k];
      Eigen::Vector2d sum = Eigen::Vector2d::Zero();
      Eigen::Matrix2d outer = Eigen::Matrix2d::Zero();
      double nk = 0;
      for (Index i = 0; i < n; ++i) {
        if (labels[i] != k) continue;
        const Eigen::Vector2d d = out.col(i).cast<double>() - c.mean;
        sum += d;
        outer += d * d.transpose();
        ++nk;
      }
      const double pi = c.weight;
      CHECK(std::abs(nk / n - pi) < 5 * std::sqrt(pi * (1 - pi) / n));
      const Eigen::Vector2d mean_err = sum / nk;  // sample mean minus the true mean
      const Eigen::Matrix2d cov = outer / nk - mean_err * mean_err.transpose();
      for (int a = 0; a < 2; ++a) {
        CHECK(std::abs(mean_err[a]) < 5 * std::sqrt(c.cov(a, a) / nk));
        for (int b = 0; b < 2; ++b) {
          const double se = std::sqrt((c.cov(a, a) * c.cov(b, b) + c.cov(a, b) * c.cov(a, b)) / nk);
          CHECK(std::abs(cov(a, b) - c.cov(a, b)) < 5 * se);
        }
      }
    }
  }
}

TEST_CASE("GMM zero-weight components change nothing and are never drawn") {
  GaussianComponent extra{0.0, {9, 9}, Eigen::Matrix2d::Identity()};
  std::vector<GaussianComponent> comps = three_component().components();
  comps.insert(comps.begin(), extra);  // first and last: both ends of the cumulative table
  comps.push_back(extra);
  const GaussianMixture with(comps), without = three_component();
  const PointsT<double> x = test_points();
  ValuesT<double> a, b;
  with.evaluate<double>(x, NoiseLevel::sigma(0.3), &a, nullptr, nullptr);
  without.evaluate<double>(x, NoiseLevel::sigma(0.3), &b, nullptr, nullptr);
  CHECK(a == b);
  Rng rng(3);
  Points out;
  std::vector<int> labels;
  with.sample(50000, rng, out, NoiseLevel::clean(), &labels);
  CHECK(std::count(labels.begin(), labels.end(), 0) == 0);
  CHECK(std::count(labels.begin(), labels.end(), 4) == 0);
}

TEST_CASE("GMM rejects invalid components with the index and the reason") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const GaussianComponent ok{};
  auto with_second = [&](GaussianComponent bad) { return GaussianMixture({ok, bad}); };
  GaussianComponent c;

  CHECK_THROWS_WITH_AS(GaussianMixture({}), doctest::Contains("empty"), InputError);
  c = ok;
  c.weight = -0.5;
  CHECK_THROWS_WITH_AS(with_second(c), doctest::Contains("component 1: weight"), InputError);
  c.weight = nan;
  CHECK_THROWS_WITH_AS(with_second(c), doctest::Contains("component 1: weight"), InputError);
  c.weight = inf;
  CHECK_THROWS_WITH_AS(with_second(c), doctest::Contains("component 1: weight"), InputError);
  c = ok;
  c.weight = 0;
  CHECK_THROWS_WITH_AS(GaussianMixture({c, c}), doctest::Contains("all weights are zero"),
                       InputError);
  c = ok;
  c.mean.y() = nan;
  CHECK_THROWS_WITH_AS(with_second(c), doctest::Contains("component 1: mean must be finite"),
                       InputError);
  c = ok;
  c.cov(1, 1) = inf;
  CHECK_THROWS_WITH_AS(with_second(c), doctest::Contains("component 1: covariance must be finite"),
                       InputError);
  c = ok;
  c.cov << 1, 2, 2, 1;  // eigenvalues 3 and −1
  CHECK_THROWS_WITH_AS(with_second(c), doctest::Contains("component 1: covariance is not positive"),
                       InputError);
  c.cov << -1, 0, 0, -1;
  CHECK_THROWS_WITH_AS(with_second(c), doctest::Contains("not positive definite"), InputError);
  c.cov << 1, 0.5, 0.4, 1;
  CHECK_THROWS_WITH_AS(with_second(c),
                       doctest::Contains("component 1: covariance is not symmetric"), InputError);
  c.cov << 1, 0.5, 0.5 + 1e-13, 1;  // within the relative tolerance: accepted, made symmetric
  const GaussianMixture near(std::vector<GaussianComponent>{c});
  CHECK(near.components()[0].cov(0, 1) == near.components()[0].cov(1, 0));
}

TEST_CASE("GMM rejects invalid noise levels") {
  const GaussianMixture g = three_component();
  const Points x = Points::Zero(2, 3);
  Points out;
  Rng rng(1);
  // m = 0 with s > 0 is a level (the straight path's t = 1); a negative m, or m = s = 0, is not.
  CHECK_THROWS_WITH_AS(g.score(x, {0, -1.0, 1.0}, out), doctest::Contains("m must be"), InputError);
  CHECK_THROWS_WITH_AS(g.score(x, {0, 0.0, 0.0}, out), doctest::Contains("both 0"), InputError);
  CHECK_THROWS_WITH_AS(g.score(x, {0, 1.0, -1.0}, out), doctest::Contains("s must be"), InputError);
  CHECK_THROWS_WITH_AS(g.score(x, {0, 1.0, std::nan("")}, out), doctest::Contains("s must be"),
                       InputError);
  CHECK_THROWS_WITH_AS(g.perturbed({0, std::nan(""), 1.0}), doctest::Contains("m must be"),
                       InputError);
  CHECK_THROWS_WITH_AS(g.sample(5, rng, out, {0, 1.0, -2.0}), doctest::Contains("s must be"),
                       InputError);
}
