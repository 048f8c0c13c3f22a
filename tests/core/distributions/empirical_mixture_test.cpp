// EmpiricalMixture: equal to the Gaussian mixture of its isotropic components, finite
// differences, the float kernel against a per-point reference twin, normalisation, validation.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/distributions/empirical_mixture.h"
#include "core/distributions/gaussian_mixture.h"
#include "tests/core/distributions/check_helpers.h"

using namespace scorelab;
using namespace scorelab::test;

namespace {

Points data_points(Index n) {  // moons points: spread over [−5, 5]², no structure to exploit
  Rng rng(11);
  Points out;
  sample_dataset(find_dataset("moons"), n, rng, out);
  return out;
}

// Levels with m < 1 and s from well below to well above the spacing of the points.
std::vector<NoiseLevel> empirical_levels() {
  return {{0, 1.0, 0.2}, {0, 1.0, 1.0}, {0, 0.5, 0.8}, {0, 1.0, 4.0}, {0, 0.05, 1.0}};
}

// Per point, straight from the header's formulas (in p_j, not in the kernel's offsets).
struct EmpiricalReference {
  double log_density;
  Eigen::Vector2d score;
  double divergence;
};

EmpiricalReference reference(const Points& pts, const NoiseLevel& lv, const Eigen::Vector2d& x) {
  const Index P = pts.cols();
  const double s2 = lv.s * lv.s;
  Eigen::VectorXd logit(P);
  for (Index j = 0; j < P; ++j)
    logit[j] = -(x - lv.m * pts.col(j).cast<double>()).squaredNorm() / (2 * s2);
  const double mx = logit.maxCoeff();
  const Eigen::VectorXd r = (logit.array() - mx).exp().matrix();
  const double sum = r.sum();
  Eigen::Vector2d mean = Eigen::Vector2d::Zero();  // Σ r_j p_j
  double second = 0;                               // Σ r_j ‖p_j‖²
  for (Index j = 0; j < P; ++j) {
    mean += r[j] / sum * pts.col(j).cast<double>();
    second += r[j] / sum * pts.col(j).cast<double>().squaredNorm();
  }
  return {mx + std::log(sum) - std::log(double(P)) - std::log(2 * std::numbers::pi * s2),
          (lv.m * mean - x) / s2, lv.m * lv.m / (s2 * s2) * (second - mean.squaredNorm()) - 2 / s2};
}

}  // namespace

TEST_CASE("Empirical mixture equals the GMM of components N(m p_j, s² I), all outputs") {
  // Both in double, different formulas for the same numbers: rounding only. The divergence is
  // a difference of two ~‖x − m p‖²/s⁴ terms at the far test points, so its tolerance is
  // relative to 1/s⁴ · (distance to the data)², here at most ~1e4/s⁴.
  for (Index P : {1, 16, 37}) {  // one point; a whole number of chunks; a ragged last chunk
    CAPTURE(P);
    const Points pts = data_points(P);
    const EmpiricalMixture emp(pts);
    const PointsT<double> x = test_points();
    for (const NoiseLevel& lv : empirical_levels()) {
      CAPTURE(lv.m);
      CAPTURE(lv.s);
      std::vector<GaussianComponent> comps;
      for (Index j = 0; j < P; ++j)
        comps.push_back(
            {1.0, lv.m * pts.col(j).cast<double>(), lv.s * lv.s * Eigen::Matrix2d::Identity()});
      const GaussianMixture gmm(comps);
      ValuesT<double> lp_e, dv_e, lp_g, dv_g;
      PointsT<double> sc_e, sc_g;
      emp.evaluate<double>(x, lv, &lp_e, &sc_e, &dv_e);
      gmm.evaluate<double>(x, NoiseLevel::clean(), &lp_g, &sc_g, &dv_g);
      CHECK(worst_relative_error(lp_e.transpose(), lp_g.transpose()) < 1e-12);
      CHECK(worst_relative_error(sc_e, sc_g) < 1e-12);
      const double s4 = std::pow(lv.s, 4);
      CHECK((dv_e - dv_g).cwiseAbs().maxCoeff() < 1e-12 * 1e4 / s4);
    }
  }
}

TEST_CASE("Empirical score and divergence are the finite-difference derivatives of log p") {
  // Double; stencil error ≈ 1e-9 relative (check_helpers.h); demand 1e-6 (floor 1).
  const EmpiricalMixture emp(data_points(37));
  const PointsT<double> x = test_points();
  for (const NoiseLevel& lv : empirical_levels()) {
    CAPTURE(lv.m);
    CAPTURE(lv.s);
    ValuesT<double> dv;
    PointsT<double> sc;
    emp.evaluate<double>(x, lv, nullptr, &sc, &dv);
    const double h = 1e-3 * lv.s;  // every component has std s
    const auto log_p = [&](const PointsT<double>& y) {
      ValuesT<double> v;
      emp.evaluate<double>(y, lv, &v, nullptr, nullptr);
      return v;
    };
    const auto score = [&](const PointsT<double>& y) {
      PointsT<double> v;
      emp.evaluate<double>(y, lv, nullptr, &v, nullptr);
      return v;
    };
    CHECK(worst_relative_error(sc, fd_score(log_p, x, h)) < 1e-6);
    CHECK(worst_relative_error(dv.transpose(), fd_divergence(score, x, h).transpose()) < 1e-6);
  }
}

TEST_CASE("Empirical float kernel matches the per-point double reference twin") {
  // 500 data points, 300 queries over [−8, 8]². Float rounding enters through the offsets and
  // logits ‖x − m p‖²/(2s²) (up to ~3e3 at s = 0.2) and moves the responsibilities by a few ε
  // relative to the logit differences that matter, which are O(1) near the winning points.
  // Scales: log p relative (floor 1); score relative to max(‖score‖, 1/s), its natural size
  // near the data; divergence relative to 2/s² + ‖score‖². Measured worst: 2e-7 (log p) and
  // 1e-6 (score, divergence); demand 4e-6 and 2e-5. The double kernel must match to 1e-9.
  const Points pts = data_points(500);
  const EmpiricalMixture emp(pts);
  Rng rng(8);
  Points xf(2, 300);
  rng.fill_uniform(xf.data(), xf.size(), -8.0f, 8.0f);
  const PointsT<double> x = xf.cast<double>();
  for (const NoiseLevel& lv : empirical_levels()) {
    CAPTURE(lv.m);
    CAPTURE(lv.s);
    Values lpf, dvf;
    Points scf;
    emp.evaluate<float>(xf, lv, &lpf, &scf, &dvf);
    ValuesT<double> lp, dv;
    PointsT<double> sc;
    emp.evaluate<double>(x, lv, &lp, &sc, &dv);
    double worst_lp = 0, worst_sc = 0, worst_dv = 0, worst_d = 0;
    for (Index i = 0; i < x.cols(); ++i) {
      const EmpiricalReference ref = reference(pts, lv, x.col(i));
      const double lp_scale = std::max(1.0, std::abs(ref.log_density));
      const double sc_scale = std::max(ref.score.norm(), 1 / lv.s);
      const double dv_scale = 2 / (lv.s * lv.s) + ref.score.squaredNorm();
      worst_lp = std::max(worst_lp, std::abs(lpf[i] - ref.log_density) / lp_scale);
      worst_sc = std::max(worst_sc, (scf.col(i).cast<double>() - ref.score).norm() / sc_scale);
      worst_dv = std::max(worst_dv, std::abs(dvf[i] - ref.divergence) / dv_scale);
      worst_d = std::max({worst_d, std::abs(lp[i] - ref.log_density) / lp_scale,
                          (sc.col(i) - ref.score).norm() / sc_scale,
                          std::abs(dv[i] - ref.divergence) / dv_scale});
    }
    CHECK(worst_lp < 4e-6);
    CHECK(worst_sc < 2e-5);
    CHECK(worst_dv < 2e-5);
    CHECK(worst_d < 1e-9);
  }
}

TEST_CASE("Empirical density integrates to 1, and score() is the float score") {
  // Five points at s = 0.5, midpoint rule on [−10, 10]² with step 0.025: the points lie within
  // 5 of the origin, so the box is ≥ 10 std from all of them; the rule's error is negligible
  // for std 0.5 ≫ h. Tolerance 1e-6.
  const Points pts = data_points(5);
  const EmpiricalMixture emp(pts);
  constexpr int n = 800;
  constexpr double h = 20.0 / n;
  PointsT<double> grid(2, n * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) grid.col(i * n + j) << -10 + (i + 0.5) * h, -10 + (j + 0.5) * h;
  ValuesT<double> lp;
  emp.evaluate<double>(grid, NoiseLevel::sigma(0.5), &lp, nullptr, nullptr);
  CHECK(lp.array().exp().sum() * h * h == doctest::Approx(1.0).epsilon(1e-6));

  const Points x = grid.leftCols(100).cast<float>();
  Points a, b;
  emp.score(x, NoiseLevel::sigma(0.5), a);
  emp.evaluate<float>(x, NoiseLevel::sigma(0.5), nullptr, &b, nullptr);
  CHECK(a == b);
  CHECK(emp.size() == 5);
  CHECK(emp.points() == pts);
}

TEST_CASE("Empirical mixture rejects empty or non-finite points and s <= 0") {
  CHECK_THROWS_WITH_AS(EmpiricalMixture(Points(2, 0)), doctest::Contains("empty"), InputError);
  Points bad = data_points(4);
  bad(1, 2) = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH_AS(EmpiricalMixture{bad}, doctest::Contains("point 2 is not finite"),
                       InputError);
  bad(1, 2) = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH_AS(EmpiricalMixture{bad}, doctest::Contains("point 2 is not finite"),
                       InputError);

  const EmpiricalMixture emp(data_points(4));
  const Points x = Points::Zero(2, 3);
  Points out;
  CHECK_THROWS_WITH_AS(emp.score(x, NoiseLevel::clean(), out), doctest::Contains("s must be"),
                       InputError);
  CHECK_THROWS_WITH_AS(emp.score(x, {0, 1.0, std::nan("")}, out), doctest::Contains("s must be"),
                       InputError);
  CHECK_THROWS_WITH_AS(emp.score(x, {0, HUGE_VAL, 1.0}, out), doctest::Contains("m must be"),
                       InputError);
}
