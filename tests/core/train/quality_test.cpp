// The quality meter (core/train/quality.h): its numbers equal a direct computation on the same
// snapshot with the same draws, and its energy reference behaves like a 95th percentile.
#include <doctest/doctest.h>

#include <Eigen/LU>
#include <algorithm>
#include <cmath>

#include "core/distributions/datasets.h"
#include "core/nn/learned_score.h"
#include "core/train/quality.h"
#include "core/train/training_session.h"

using namespace scorelab;

namespace {

// Plain double-precision twins, written without the library's vectorised forms.
double direct_energy(const Points& x, const Points& y) {
  auto mean_dist = [](const Points& a, const Points& b) {
    double sum = 0;
    for (Index i = 0; i < a.cols(); ++i)
      for (Index j = 0; j < b.cols(); ++j)
        sum += std::hypot(double(a(0, i)) - b(0, j), double(a(1, i)) - b(1, j));
    return sum / (double(a.cols()) * double(b.cols()));
  };
  return 2 * mean_dist(x, y) - mean_dist(x, x) - mean_dist(y, y);
}

std::vector<double> direct_weights(const GaussianMixture& gmm, const Points& x) {
  const auto& c = gmm.components();
  std::vector<double> w(c.size(), 0.0);
  for (Index i = 0; i < x.cols(); ++i) {
    std::size_t best = 0;
    double best_p = -1;
    for (std::size_t k = 0; k < c.size(); ++k) {
      const Eigen::Vector2d d = x.col(i).cast<double>() - c[k].mean;
      const double p = c[k].weight * std::exp(-0.5 * d.dot(c[k].cov.inverse() * d)) /
                       std::sqrt(c[k].cov.determinant());
      if (p > best_p) best_p = p, best = k;
    }
    w[best] += 1.0 / double(x.cols());
  }
  return w;
}

}  // namespace

TEST_CASE("measure_quality equals a direct computation on the same snapshot") {
  const GaussianMixture gmm = ring8();
  const ExactSampler data = [&](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
  TrainConfig cfg;
  cfg.sde.kind = SdeKind::VP;
  cfg.seed = 3;
  TrainingSession session(cfg, data);
  for (int i = 0; i < 30; ++i) session.step();  // a poor model: every number is far from ideal
  const LearnedScore learned(session.snapshot(), /*use_ema=*/true);
  const Sde sde(cfg.sde);
  SdeParams short_sde = cfg.sde;
  short_sde.N = 50;
  auto sampler = make_sampler(ReverseSdeConfig{}, SigmaSchedule{}, short_sde);

  QualityOptions opt;
  opt.bands = 3;
  opt.error_points = 300;
  opt.particles = 200;
  Rng ref_rng(1);
  const EnergyReference ref = energy_reference(data, opt.particles, 20, ref_rng);
  Rng rng(7);
  const QualityReport q = measure_quality(learned, gmm, data, &gmm, sde, *sampler, ref, opt, rng);

  // The same draws, in the documented order, computed directly.
  Rng r(7);
  REQUIRE(q.levels.size() == 3);
  CHECK(q.levels.front().s / q.levels.front().m == doctest::Approx(0.01).epsilon(1e-9));
  CHECK(q.levels[1].s / q.levels[1].m ==
        doctest::Approx(std::sqrt(0.01 * sde.level(1.0).s / sde.level(1.0).m)).epsilon(1e-9));
  CHECK(q.levels.back().t == doctest::Approx(1.0).epsilon(1e-9));
  for (std::size_t k = 0; k < q.levels.size(); ++k) {
    CAPTURE(k);
    const NoiseLevel& lv = q.levels[k];
    Points x0, z(2, opt.error_points), want, got;
    gmm.sample(opt.error_points, r, x0);
    r.fill_normal(z);
    const Points x = float(lv.m) * x0 + float(lv.s) * z;
    gmm.score(x, lv, want);
    learned.score(x, lv, got);
    double num = 0, den = 0;
    for (Index i = 0; i < x.cols(); ++i)
      for (int d = 0; d < 2; ++d) {
        num += std::pow(double(got(d, i)) - want(d, i), 2);
        den += std::pow(double(want(d, i)), 2);
      }
    // The library subtracts in float before summing in double: ~1e-7 relative per term.
    CHECK(q.rel_error[k] == doctest::Approx(num / den).epsilon(1e-5));
  }
  auto twin = make_sampler(ReverseSdeConfig{}, SigmaSchedule{}, short_sde);
  twin->start(opt.particles, r);
  twin->run(learned, r);
  Points truth;
  gmm.sample(opt.particles, r, truth);
  const double e = direct_energy(twin->particles(), truth);
  // float distances summed in double against double distances: agreement to ~1e-6 of the scale
  // of the terms (mean distances ~5 data units), far below the statistic's own spread.
  CHECK(q.energy == doctest::Approx(e).epsilon(1e-4).scale(5.0));
  CHECK(q.energy_p95 == ref.p95);
  CHECK(q.energy_ratio == doctest::Approx(q.energy / ref.p95));
  const std::vector<double> wl = direct_weights(gmm, twin->particles()),
                            we = direct_weights(gmm, truth);
  REQUIRE(q.weights_learned.size() == 8);
  for (std::size_t k = 0; k < 8; ++k) {
    CAPTURE(k);
    CHECK(q.weights_learned[k] == doctest::Approx(wl[k]));
    CHECK(q.weights_exact[k] == doctest::Approx(we[k]));
  }
}

TEST_CASE("energy reference: sorted null draws with p95 between the 90th and the largest") {
  const GaussianMixture gmm = ring8();
  const ExactSampler data = [&](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
  Rng rng(2);
  const EnergyReference ref = energy_reference(data, 300, 21, rng);
  REQUIRE(ref.null_energies.size() == 21);
  CHECK(std::is_sorted(ref.null_energies.begin(), ref.null_energies.end()));
  CHECK(ref.null_energies.front() >= 0);
  // pairs 21: 0.95·20 = 19, so p95 is exactly the 20th of 21 sorted values.
  CHECK(ref.p95 == ref.null_energies[19]);
  // A sample from a different law is far outside the null.
  Points a, b;
  gmm.sample(300, rng, a);
  gmm.sample(300, rng, b);
  b *= 1.3f;
  CHECK(energy_distance(a, b) > 3 * ref.p95);
}
