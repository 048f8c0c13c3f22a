// The live numbers (app/state/numbers.h) against direct computations: particles per mode by the
// largest responsibility at the particles' level, the marginal strip's histogram and exact bins,
// the energy distance and its exact-vs-exact reference as core computes them, and the window's
// readings labelled with the step they measured.
#include <doctest/doctest.h>

#include <Eigen/LU>
#include <cmath>
#include <numbers>

#include "app/state/app_context.h"
#include "app/state/numbers.h"
#include "core/scene/exact_score.h"
#include "core/train/quality.h"
#include "state/state_testing.h"

using namespace scorelab;
using namespace scorelab::app;
using state_testing::scripted;

namespace {

// A narrow and a wide component: a point 0.4 from the narrow one's centre belongs to the wide one
// on clean data and to the narrow one at m = 1, s = 1 (so the level matters).
GaussianMixture two_modes() {
  return GaussianMixture({{0.5, {0, 0}, Eigen::Matrix2d::Identity() * 0.01},
                          {0.5, {1, 0}, Eigen::Matrix2d::Identity()},
                          {0.25, {-2, 1}, Eigen::Matrix2d{{0.5, 0.2}, {0.2, 0.3}}}});
}

// log π_k + log N(x; m μ_k, m² Σ_k + s² I), written out.
double log_responsibility(const GaussianComponent& c, const NoiseLevel& l, Eigen::Vector2d x) {
  const Eigen::Matrix2d C = l.m * l.m * c.cov + l.s * l.s * Eigen::Matrix2d::Identity();
  const Eigen::Vector2d d = x - l.m * c.mean;
  return std::log(c.weight) - std::log(2 * std::numbers::pi) - 0.5 * std::log(C.determinant()) -
         0.5 * d.dot(C.inverse() * d);
}

}  // namespace

TEST_CASE("numbers: particles per mode follow the largest responsibility at their level") {
  const GaussianMixture mix = two_modes();
  Points x(2, 6);
  x << 0.4f, 0.02f, 1.5f, -2.1f, 3.0f, -0.5f,  //
      0.0f, 0.01f, -0.3f, 0.9f, 2.0f, 0.7f;
  for (const NoiseLevel level :
       {NoiseLevel::clean(), NoiseLevel{0.5, 1.0, 1.0}, NoiseLevel{0.9, 0.3, 2.0}}) {
    std::vector<double> direct(3, 0.0);
    for (Index i = 0; i < x.cols(); ++i) {
      int best = 0;
      for (int k = 1; k < 3; ++k)
        if (log_responsibility(mix.components()[k], level, x.col(i).cast<double>()) >
            log_responsibility(mix.components()[best], level, x.col(i).cast<double>()))
          best = k;
      direct[best] += 1.0 / 6;
    }
    const std::vector<double> got = mode_fractions(mix, level, x);
    REQUIRE(got.size() == 3);
    for (int k = 0; k < 3; ++k) CHECK(got[k] == doctest::Approx(direct[k]).epsilon(1e-12));
  }
  // The point (0.4, 0) changes mode with the level: wide component clean, narrow one at s = 1.
  Points one(2, 1);
  one << 0.4f, 0.0f;
  CHECK(mode_fractions(mix, NoiseLevel::clean(), one)[1] == 1.0);
  CHECK(mode_fractions(mix, NoiseLevel{0.5, 1.0, 1.0}, one)[0] == 1.0);
}

TEST_CASE("numbers: the marginal strip's histogram counts the projections bin by bin") {
  Points x(2, 7);
  x << 0.0f, 1.0f, 0.5f, -3.0f, 2.0f, 0.2f, 0.25f,  //
      0.0f, 0.5f, 1.0f, 0.0f, 2.0f, 0.1f, -0.1f;
  const Eigen::Vector2d u(0.6, 0.8);
  const double lo = -1, hi = 2;
  const int bins = 6;
  // Direct: projections 0, 1.0, 1.1, −1.8 (out), 2.8 (out), 0.2, 0.07; bins of width 0.5.
  std::vector<double> count(bins, 0.0);
  Index outside = 0;
  for (Index i = 0; i < x.cols(); ++i) {
    const double z = 0.6 * x(0, i) + 0.8 * x(1, i);
    bool placed = false;
    for (int b = 0; b < bins; ++b)
      if (z >= lo + 0.5 * b && z < lo + 0.5 * (b + 1)) {
        count[b] += 1;
        placed = true;
      }
    if (!placed) ++outside;
  }
  LevelTarget target;
  target.mixture.emplace(two_modes());
  const MarginalStrip s =
      marginal_strip(x, u, marginal_along(target, NoiseLevel::clean(), u), lo, hi, bins);
  CHECK(s.outside == outside);
  CHECK(outside == 2);
  for (int b = 0; b < bins; ++b) CHECK(s.particles[b] == doctest::Approx(count[b] / (7 * 0.5)));
}

TEST_CASE("numbers: the exact marginal's bins match many exact draws of the level") {
  // 200,000 draws of p_level projected on u: each bin's density is within 5 binomial standard
  // errors (plus 1e-3 for the CDF's rounding) of the strip's exact value. Mixture and point set.
  const NoiseLevel level{0.4, 0.8, 0.6};
  const double rad = 0.7;
  const Eigen::Vector2d u(std::cos(rad), std::sin(rad));
  LevelTarget mixture, points;
  mixture.mixture.emplace(two_modes());
  points.points.resize(2, 3);
  points.points << -1.0f, 0.5f, 2.0f, 0.0f, 1.0f, -0.5f;
  for (const LevelTarget* target : {&mixture, &points}) {
    const Marginal1D marginal = marginal_along(*target, level, u);
    const auto [lo, hi] = marginal.range(3.5);
    Rng rng(7);
    Points draws;
    constexpr Index N = 200'000;
    target->sample(level, N, rng, draws);
    const MarginalStrip strip = marginal_strip(draws, u, marginal, lo, hi, 40);
    const double width = (hi - lo) / 40;
    for (int b = 0; b < 40; ++b) {
      const double p = strip.exact[b] * width;
      const double se = std::sqrt(p * (1 - p) / N) / width;
      CHECK(std::abs(strip.particles[b] - strip.exact[b]) <= 5 * se + 1e-3);
    }
    CHECK(strip.outside < N / 1000);  // 3.5 sd each side holds all but ~0.05%
  }
}

TEST_CASE("numbers: the energy distance and its reference are core's") {
  LevelTarget target;
  target.mixture.emplace(two_modes());
  const NoiseLevel level{0.3, 0.9, 0.4};
  Rng particles_rng(3);
  Points particles;
  target.sample(level, 800, particles_rng, particles);
  Rng a(11), b(11);
  const EnergyNumbers got = measure_energy(target, level, particles, a);
  // Direct, in the documented order of draws: the comparison sample, then the reference.
  Points x = particles.leftCols(kEnergyParticles), y;
  target.sample(level, kEnergyParticles, b, y);
  const double energy = energy_distance(x, y);
  const EnergyReference ref =
      energy_reference([&](Index n, Rng& r, Points& o) { target.sample(level, n, r, o); },
                       kEnergyParticles, kEnergyPairs, b);
  CHECK(got.n == kEnergyParticles);
  CHECK(got.energy == energy);
  CHECK(got.null_p95 == ref.p95);
  CHECK(got.null_median ==
        0.5 * (ref.null_energies[kEnergyPairs / 2 - 1] + ref.null_energies[kEnergyPairs / 2]));
}

TEST_CASE("numbers: the window's readings are of the particles' step, with or without modes") {
  for (const char* dataset : {"ring8", "moons"}) {
    CAPTURE(dataset);
    Scene s;
    s.data.source = std::string(dataset);
    s.particles = 600;
    s.ui.training = false;
    s.ui.numbers = true;
    s.ui.marginal_angle = 90;
    AppContext ctx(s, scripted());
    for (int i = 0; i < 3; ++i) ctx.update();
    const auto& r = ctx.numbers().reading();
    REQUIRE(r.has_value());
    CHECK(r->step == ctx.particles().steps_taken());
    CHECK(r->step > 0);
    CHECK(r->u.y() == doctest::Approx(1.0));
    CHECK(ctx.numbers().has_modes() == (std::string(dataset) == "ring8"));
    CHECK(r->fractions.size() == ctx.numbers().true_weights().size());
    CHECK(r->energy.n == kEnergyParticles);
    CHECK(std::isfinite(r->energy.energy));
    CHECK(r->energy.null_p95 > 0);
  }
}

// Class guidance: the reading's sharpening is core's measure_sharpening of the particles against
// the guided component's exact conditional at their level; the window's reading carries it only
// under class guidance. Samples of the conditional itself read 1 (tolerance 0.1: the spread of
// 800 draws has a relative std of about 0.05), samples pulled halfway to its mean read 1/4.
TEST_CASE("numbers: under class guidance the reading measures the sharpening past the class") {
  // The window's target under class guidance is class k's exact conditional (level_target).
  const GaussianMixture data(two_modes());
  const NoiseLevel level{0.3, 0.9, 0.4};
  const GaussianComponent& k = data.components()[2];
  const GaussianMixture conditional({{1.0, k.mean, k.cov}});
  LevelTarget target;
  target.mixture.emplace(conditional.components());
  target.conditional = true;
  Rng rng(4);
  Points x;
  conditional.sample(800, rng, x, level);
  Rng a(1);
  const Reading own = measure(target, level, x, {1, 0}, a, 2);
  REQUIRE(own.sharpening.has_value());
  CHECK(own.guided_class == 2);
  CHECK(own.sharpening->ratio == doctest::Approx(1.0).epsilon(0.1));
  CHECK(own.sharpening->exact_spread ==
        doctest::Approx(level.m * level.m * k.cov.trace() + 2 * level.s * level.s));
  const Eigen::Vector2f centre = (level.m * k.mean).cast<float>();
  const Points sharper = (0.5f * (x.colwise() - centre)).colwise() + centre;
  Rng b(1);
  const Reading half = measure(target, level, sharper, {1, 0}, b, 2);
  CHECK(half.sharpening->ratio == doctest::Approx(own.sharpening->ratio / 4).epsilon(1e-4));
  Rng c(1);
  CHECK_FALSE(measure(target, level, x, {1, 0}, c).sharpening.has_value());

  // The window: a class-guided scene's reading carries the guided class's sharpening.
  Scene s = parse_scene_text(
      R"({"particles": 300, "data": {"dataset": "two_gaussians"},
          "sampler": {"kind": "reverse_sde", "condition": {"kind": "class", "component": 1,
                                                           "scale": 3}},
          "ui": {"training": false, "numbers": true}})",
      "class");
  AppContext ctx(s, scripted());
  for (int i = 0; i < 3; ++i) ctx.update();
  const auto& r = ctx.numbers().reading();
  REQUIRE(r.has_value());
  CHECK(r->guided_class == 1);
  REQUIRE(r->sharpening.has_value());
  CHECK(std::isfinite(r->sharpening->ratio));
  // Every reading is against that conditional, not the data: one mode, class 1's, weight 1.
  const LevelTarget* t = ctx.numbers().target();
  REQUIRE(t != nullptr);
  CHECK(t->conditional);
  REQUIRE(t->mixture->components().size() == 1);
  const auto two = mixture_components(s.data);
  CHECK(t->mixture->components()[0].mean.isApprox((*two)[1].mean));
  CHECK(ctx.numbers().true_weights() == std::vector<double>{1.0});
  CHECK(r->fractions.size() == 1);
  // The condition removed: the readings go back to the data (the target follows the scene).
  Scene plain = ctx.scene();
  sampler_condition(plain.sampler)->kind = Conditioning::Kind::None;
  ctx.apply(plain);
  ctx.update();
  CHECK_FALSE(ctx.numbers().target()->conditional);
  CHECK(ctx.numbers().true_weights().size() == two->size());
}
