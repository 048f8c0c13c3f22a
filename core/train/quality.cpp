#include "core/train/quality.h"

#include <Eigen/LU>
#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace scorelab {

double energy_distance(const Points& x, const Points& y, const ForegroundGate* gate) {
  // Mean pairwise distance; the inner loop is one vectorisable expression over b's columns, and
  // each row sum is accumulated in double. The gate is passed every 128 rows (~0.1 ms at 1,000
  // columns): 1,000 × 1,000 points take ~3 ms, too long to hold a core a frame needs.
  auto mean_dist = [gate](const Points& a, const Points& b) {
    const Eigen::ArrayXf bx = b.row(0).transpose(), by = b.row(1).transpose();
    double sum = 0;
    for (Index i = 0; i < a.cols(); ++i) {
      if (i % 128 == 0) pass(gate);
      sum += static_cast<double>(
          ((bx - a(0, i)).square() + (by - a(1, i)).square()).sqrt().template cast<double>().sum());
    }
    return sum / (static_cast<double>(a.cols()) * static_cast<double>(b.cols()));
  };
  return 2 * mean_dist(x, y) - mean_dist(x, x) - mean_dist(y, y);
}

EnergyReference energy_reference(const ExactSampler& exact, Index n, int pairs, Rng& rng,
                                 const ForegroundGate* gate) {
  assert(pairs >= 1 && n >= 1);
  EnergyReference ref;
  ref.n = n;
  Points a, b;
  for (int i = 0; i < pairs; ++i) {
    pass(gate);
    exact(n, rng, a);
    exact(n, rng, b);
    ref.null_energies.push_back(energy_distance(a, b, gate));
  }
  std::sort(ref.null_energies.begin(), ref.null_energies.end());
  const double pos = 0.95 * (pairs - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, ref.null_energies.size() - 1);
  ref.p95 = ref.null_energies[lo] + (pos - lo) * (ref.null_energies[hi] - ref.null_energies[lo]);
  return ref;
}

std::vector<double> mode_weights(const GaussianMixture& mixture, const Points& x) {
  const auto& comps = mixture.components();
  const std::size_t K = comps.size();
  std::vector<Eigen::Matrix2d> prec(K);
  std::vector<double> bias(K);
  for (std::size_t k = 0; k < K; ++k) {
    prec[k] = comps[k].cov.inverse();
    bias[k] = std::log(comps[k].weight) - 0.5 * std::log(comps[k].cov.determinant());
  }
  std::vector<double> w(K, 0.0);
  for (Index i = 0; i < x.cols(); ++i) {
    const Eigen::Vector2d p = x.col(i).cast<double>();
    std::size_t best = 0;
    double best_v = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < K; ++k) {
      const Eigen::Vector2d d = p - comps[k].mean;
      const double v = bias[k] - 0.5 * d.dot(prec[k] * d);
      if (v > best_v) best_v = v, best = k;
    }
    w[best] += 1;
  }
  for (double& v : w) v /= static_cast<double>(std::max<Index>(1, x.cols()));
  return w;
}

std::vector<NoiseLevel> quality_levels(const Sde& sde, double sigma_hat_min, int bands) {
  assert(bands >= 1 && sigma_hat_min > 0);
  // The top band at t_max (T but for the straight path, whose σ̂(1) = ∞; see Sde::t_max).
  const NoiseLevel top = sde.level(sde.t_max());
  const double lo = std::log(sigma_hat_min), hi = std::log(top.s / top.m);
  std::vector<NoiseLevel> out;
  for (int k = 0; k < bands; ++k) {
    const double log_sh = bands == 1 ? lo : lo + (hi - lo) * k / (bands - 1);
    out.push_back(sde.level(std::clamp(sde.time_of_sigma_hat(std::exp(log_sh)), 0.0, Sde::T)));
  }
  return out;
}

double band_score_error(const ScoreModel& exact, const ScoreModel& learned,
                        const ExactSampler& data, const NoiseLevel& level, Index points, Rng& rng) {
  Points x0, z(2, points), x, want, got;
  data(points, rng, x0);
  rng.fill_normal(z);
  x = static_cast<float>(level.m) * x0 + static_cast<float>(level.s) * z;
  exact.score(x, level, want);
  learned.score(x, level, got);
  return (got - want).cast<double>().squaredNorm() / want.cast<double>().squaredNorm();
}

QualityReport measure_quality(const ScoreModel& learned, const ScoreModel& exact,
                              const ExactSampler& data, const GaussianMixture* mixture,
                              const Sde& sde, Sampler& sampler, const EnergyReference& reference,
                              const QualityOptions& options, Rng& rng) {
  assert(reference.n == options.particles);
  QualityReport r;
  r.levels = quality_levels(sde, options.sigma_hat_min, options.bands);
  for (const NoiseLevel& lv : r.levels) {
    pass(options.gate);
    r.rel_error.push_back(band_score_error(exact, learned, data, lv, options.error_points, rng));
  }

  sampler.start(options.particles, rng);
  do pass(options.gate);  // sampler.run, with the gate between steps
  while (sampler.step(learned, rng));
  Points truth;
  data(options.particles, rng, truth);
  const Points& x = sampler.particles();
  r.samples_finite = x.allFinite();
  r.energy = r.samples_finite ? energy_distance(x, truth, options.gate)
                              : std::numeric_limits<double>::infinity();
  r.energy_p95 = reference.p95;
  r.energy_ratio = r.energy / reference.p95;
  if (mixture) {
    r.weights_learned = mode_weights(*mixture, x);
    r.weights_exact = mode_weights(*mixture, truth);
  }
  return r;
}

}  // namespace scorelab
