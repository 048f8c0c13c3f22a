// Grid fields: layout, density and score against the mixture, the p-weighted error, guards and
// streamlines.
#include <doctest/doctest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/distributions/empirical_mixture.h"
#include "core/field/field.h"

using namespace scorelab;

namespace {

// A score model that answers a fixed multiple of another (a "learned" model with a known error).
struct Scaled final : ScoreModel {
  const ScoreModel& base;
  float factor;
  Scaled(const ScoreModel& b, float f) : base(b), factor(f) {}
  void score(const Points& x, const NoiseLevel& level, Points& out) const override {
    base.score(x, level, out);
    out *= factor;
  }
};

}  // namespace

TEST_CASE("grid points are cell centres, x fastest, bottom row first") {
  const Grid g{-2, -1, 2, 1, 4, 2};
  const Points p = g.points();
  REQUIRE(p.cols() == 8);
  CHECK(p(0, 0) == doctest::Approx(-1.5));
  CHECK(p(1, 0) == doctest::Approx(-0.5));
  CHECK(p(0, 3) == doctest::Approx(1.5));
  CHECK(p(1, 4) == doctest::Approx(0.5));  // second row
}

TEST_CASE("exact log-density matches the mixture, and a learned model has none") {
  const GaussianMixture gmm = ring8();
  const Grid g{-6, -6, 6, 6, 16, 16};
  const Points x = g.points();
  const NoiseLevel level = NoiseLevel::sigma(0.5);
  Values lp, ref;
  REQUIRE(exact_log_density(gmm, x, level, lp));
  gmm.evaluate<float>(x, level, &ref, nullptr, nullptr);
  CHECK((lp - ref).cwiseAbs().maxCoeff() == 0.0f);
  Values untouched = Values::Constant(3, 7.0f);
  CHECK_FALSE(exact_log_density(Scaled(gmm, 1.0f), x, level, untouched));
  CHECK(untouched[0] == 7.0f);

  const EmpiricalMixture emp(x);
  REQUIRE(exact_log_density(emp, x, level, lp));
  CHECK(lp.allFinite());
}

TEST_CASE("the p-weighted error is zero for the exact score and weights the data region") {
  const GaussianMixture gmm = ring8();
  const Grid g{-6, -6, 6, 6, 48, 48};
  const Points x = g.points();
  const NoiseLevel level = NoiseLevel::sigma(0.5);
  const ErrorField same = weighted_score_error(gmm, gmm, x, level);
  CHECK(same.weighted_mean == 0.0);
  CHECK(same.non_finite == 0);

  // Learned = 2 × exact: e_i = w_i ‖s_i‖², so the error is where p is large and the weights
  // average 1 (check against the formula in double).
  const Scaled twice(gmm, 2.0f);
  const ErrorField e = weighted_score_error(gmm, twice, x, level);
  Values lp;
  Points s;
  gmm.evaluate<float>(x, level, &lp, &s, nullptr);
  const Eigen::ArrayXd p = (lp.cast<double>().array() - lp.maxCoeff()).exp();
  const double ref = (p * s.cast<double>().colwise().squaredNorm().transpose().array()).sum() /
                     p.sum();
  CHECK(e.weighted_mean == doctest::Approx(ref).epsilon(1e-4));
  // The centre of the ring (far from every mode) carries almost no weight.
  const Index centre = Index(24) * 48 + 24;
  CHECK(e.per_point[centre] < 1e-3 * e.per_point.maxCoeff());
  CHECK_THROWS_AS(weighted_score_error(twice, gmm, x, level), InputError);
}

TEST_CASE("statistics skip non-finite values and the guards replace them") {
  Values v(6);
  v << 1, 2, NAN, 3, INFINITY, -1;
  const FieldStats s = value_stats(v);
  CHECK(s.min == -1);
  CHECK(s.max == 3);
  CHECK(s.non_finite == 2);
  CHECK(s.robust_max <= 3);
  CHECK(replace_non_finite(v, 0.5f) == 2);
  CHECK(v.allFinite());
  CHECK(value_stats(Values::Constant(2, NAN)).max == 0);

  Points p(2, 3);
  p << 1, NAN, 3, 4, 5, -INFINITY;
  CHECK(replace_non_finite(p) == 2);
  CHECK(p.allFinite());
  CHECK(p(0, 0) == 1);
  CHECK(p.col(1).isZero());
  CHECK(magnitudes(p)[0] == doctest::Approx(std::sqrt(17.0f)));
}

TEST_CASE("streamlines of a score flow into the mode and stop there") {
  const GaussianMixture one({GaussianComponent{1.0, {1.0, -1.0}, Eigen::Matrix2d::Identity()}});
  const Grid g{-5, -5, 5, 5, 40, 40};
  const Points x = g.points();
  Points s;
  one.score(x, NoiseLevel::clean(), s);
  Points seeds(2, 3);
  seeds << -4, 4, 0, 4, -4, 3;
  const auto lines = trace_streamlines(g, s, seeds, 0.05, 400);
  REQUIRE(lines.size() == 3);
  for (const Points& line : lines) {
    REQUIRE(line.cols() > 10);
    const Eigen::Vector2f end = line.col(line.cols() - 1);
    CHECK((end - Eigen::Vector2f(1, -1)).norm() < 0.2f);
  }
  // A seed outside the rectangle gives a single point.
  Points out(2, 1);
  out << 9, 9;
  CHECK(trace_streamlines(g, s, out, 0.05, 10)[0].cols() == 1);
}

TEST_CASE("the relative error is unweighted: a model wrong far from the data shows there") {
  const GaussianMixture gmm = ring8();
  const Grid g{-6, -6, 6, 6, 48, 48};
  const Points x = g.points();
  const NoiseLevel level = NoiseLevel::sigma(0.5);
  CHECK(relative_score_error(gmm, gmm, x, level).weighted_mean == 0.0);

  // Learned = 1.5 × exact: the relative error is 0.5 wherever ‖s‖ ≫ δ, near the modes and far from
  // them alike (the p-weighted error would vanish far away).
  const Scaled off(gmm, 1.5f);
  const ErrorField e = relative_score_error(gmm, off, x, level);
  const Index corner = 0, near_mode = Index(24) * 48 + 40;  // (−5.9, −5.9) and about (4, 0)
  CHECK(e.per_point[corner] == doctest::Approx(0.5).epsilon(0.02));
  CHECK(e.per_point[near_mode] < 0.5 + 1e-6);
  const ErrorField w = weighted_score_error(gmm, off, x, level);
  CHECK(w.per_point[corner] < 1e-6 * w.per_point.maxCoeff());
  CHECK(e.non_finite == 0);
}
