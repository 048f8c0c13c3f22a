// Test helpers for the samplers: targets, mode statistics by responsibility, the energy distance,
// and one check that a sampler's output reproduces a Gaussian-mixture target.
#pragma once
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "core/distributions/datasets.h"
#include "core/distributions/gaussian_mixture.h"
#include "core/sample/sampler_registry.h"

namespace scorelab::testing {

// Unequal weights, correlated anisotropic covariances, overlapping a little (so assignment by
// responsibility truncates the tails: reference statistics use the same assignment).
inline GaussianMixture anisotropic3() {
  GaussianComponent a, b, c;
  a.weight = 0.5;
  a.mean = {-2.0, 1.0};
  a.cov << 1.0, 0.6, 0.6, 0.5;
  b.weight = 0.3;
  b.mean = {2.0, 2.0};
  b.cov << 0.3, -0.2, -0.2, 0.4;
  c.weight = 0.2;
  c.mean = {1.0, -2.5};
  c.cov << 0.6, 0.25, 0.25, 0.3;
  return GaussianMixture({a, b, c});
}

// Points assigned to the component of highest responsibility under the clean mixture; per
// component: fraction, mean and (biased, 1/n_k) covariance of the assigned points.
struct ModeStats {
  std::vector<double> weight;
  std::vector<Eigen::Vector2d> mean;
  std::vector<Eigen::Matrix2d> cov;
  std::vector<double> count;
  std::vector<int> label;  // each point's component
  Index n = 0;
};

inline ModeStats mode_stats(const GaussianMixture& gm, const Points& x) {
  const auto& comps = gm.components();
  const std::size_t K = comps.size();
  std::vector<Eigen::Matrix2d> prec(K);
  std::vector<double> bias(K);
  for (std::size_t k = 0; k < K; ++k) {
    prec[k] = comps[k].cov.inverse();
    bias[k] = std::log(comps[k].weight) - 0.5 * std::log(comps[k].cov.determinant());
  }
  ModeStats st;
  st.n = x.cols();
  st.weight.assign(K, 0.0);
  st.count.assign(K, 0.0);
  st.mean.assign(K, Eigen::Vector2d::Zero());
  st.cov.assign(K, Eigen::Matrix2d::Zero());
  std::vector<int> label(static_cast<std::size_t>(x.cols()));
  for (Index i = 0; i < x.cols(); ++i) {
    const Eigen::Vector2d p = x.col(i).cast<double>();
    int best = 0;
    double best_v = -1e300;
    for (std::size_t k = 0; k < K; ++k) {
      const Eigen::Vector2d d = p - comps[k].mean;
      const double v = bias[k] - 0.5 * d.dot(prec[k] * d);
      if (v > best_v) best_v = v, best = static_cast<int>(k);
    }
    label[i] = best;
    st.count[best] += 1;
    st.mean[best] += p;
  }
  for (std::size_t k = 0; k < K; ++k) st.mean[k] /= std::max(1.0, st.count[k]);
  for (Index i = 0; i < x.cols(); ++i) {
    const Eigen::Vector2d d = x.col(i).cast<double>() - st.mean[label[i]];
    st.cov[label[i]] += d * d.transpose();
  }
  for (std::size_t k = 0; k < K; ++k) {
    st.cov[k] /= std::max(1.0, st.count[k]);
    st.weight[k] = st.count[k] / static_cast<double>(x.cols());
  }
  st.label = std::move(label);
  return st;
}

// The pooled spread: each point's squared Mahalanobis distance to its mode's reference mean under
// that mode's reference covariance, averaged over all points (≈ 2 for exact samples in 2-D; a
// little less, as assignment trims the tails). One number that pools every mode, so a global
// error in the spread (a noise or step coefficient off by 10%) shows at ~2% resolution where the
// per-mode covariance bands are ±25–40% wide. Returns {mean, variance} of the per-point values.
inline std::pair<double, double> pooled_spread(const ModeStats& st, const ModeStats& ref,
                                               const Points& x) {
  std::vector<Eigen::Matrix2d> prec;
  for (const auto& c : ref.cov) prec.push_back(c.inverse());
  double sum = 0, sum2 = 0;
  for (Index i = 0; i < x.cols(); ++i) {
    const int k = st.label[i];
    const Eigen::Vector2d d = x.col(i).cast<double>() - ref.mean[k];
    const double v = d.dot(prec[k] * d);
    sum += v, sum2 += v * v;
  }
  const double n = static_cast<double>(x.cols());
  return {sum / n, sum2 / n - (sum / n) * (sum / n)};
}

// Energy distance (V-statistic) 2E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖ ≥ 0, zero iff same law.
inline double energy_distance(const Points& x, const Points& y) {
  // O(n m) distances, so the inner loop is one vectorisable expression over b's columns.
  auto mean_dist = [](const Points& a, const Points& b) {
    const Eigen::ArrayXd bx = b.row(0).transpose().cast<double>();
    const Eigen::ArrayXd by = b.row(1).transpose().cast<double>();
    double sum = 0;
    for (Index i = 0; i < a.cols(); ++i)
      sum += ((bx - double(a(0, i))).square() + (by - double(a(1, i))).square()).sqrt().sum();
    return sum / (double(a.cols()) * double(b.cols()));
  };
  return 2 * mean_dist(x, y) - mean_dist(x, x) - mean_dist(y, y);
}

// What a target looks like when sampled exactly: statistics of a large draw (n = 200,000, so
// their own standard errors are ≤ 0.13× those of a 3,000-point sample, negligible here) and the
// energy-distance threshold for n-point samples: 3× the largest of 8 exact-vs-exact distances.
struct TargetReference {
  ModeStats stats;
  std::pair<double, double> spread;  // pooled_spread of the large draw: mean, per-point variance
  double energy_threshold = 0;
  std::vector<double> null_energies;
};

inline const TargetReference& reference(const std::string& name, const GaussianMixture& gm,
                                        Index n) {
  static std::map<std::pair<std::string, Index>, TargetReference> cache;
  auto [it, inserted] = cache.try_emplace({name, n});
  if (inserted) {
    Rng rng(12345);
    Points big;
    gm.sample(200000, rng, big);
    it->second.stats = mode_stats(gm, big);
    it->second.spread = pooled_spread(it->second.stats, it->second.stats, big);
    double worst = 0;
    for (int pair = 0; pair < 8; ++pair) {
      Points a, b;
      gm.sample(n, rng, a);
      gm.sample(n, rng, b);
      const double e = energy_distance(a, b);
      it->second.null_energies.push_back(e);
      worst = std::max(worst, e);
    }
    it->second.energy_threshold = 3 * worst;
  }
  return it->second;
}

// Allowances for a sampler's own discretisation bias, added to the 5-standard-error bands; each
// test measures and states them.
struct Bias {
  double weight = 0;   // absolute, on mode fractions
  double mean = 0;     // data units, per coordinate
  double cov_rel = 0;  // on covariance entry (a, b), relative to √(C_aa C_bb)
  double spread_rel = 0;  // on the pooled spread, relative
};

// Checks that particles x (n points) reproduce target gm:
//  - mode weight within 5 SE + bias, SE = √(w(1 − w)/n) (binomial);
//  - per-mode mean coordinate within 5 SE + bias, SE = √(C_cc / n_k);
//  - per-mode covariance entry within 5 SE + bias·√(C_aa C_bb), SE = √((C_aa C_bb + C_ab²)/n_k)
//    (the Gaussian sampling variance of a covariance estimate; the truncated modes are close to
//    Gaussian, and 5 SE leaves room for that approximation);
//  - the energy distance to a fresh exact sample below the calibrated threshold.
// 5 SE: over the ~1,000 comparisons of the suite a false failure has probability < 1e-3.
inline void check_reproduces(const std::string& name, const GaussianMixture& gm, const Points& x,
                             const Bias& bias, std::uint64_t seed) {
  const Index n = x.cols();
  REQUIRE(x.allFinite());
  const TargetReference& ref = reference(name, gm, n);
  const ModeStats st = mode_stats(gm, x);
  for (std::size_t k = 0; k < st.weight.size(); ++k) {
    CAPTURE(k);
    const double w = ref.stats.weight[k];
    CHECK(std::abs(st.weight[k] - w) <= 5 * std::sqrt(w * (1 - w) / n) + bias.weight);
    const double nk = std::max(1.0, st.count[k]);
    const Eigen::Matrix2d& C = ref.stats.cov[k];
    for (int a = 0; a < 2; ++a) {
      CAPTURE(a);
      CHECK(std::abs(st.mean[k][a] - ref.stats.mean[k][a]) <=
            5 * std::sqrt(C(a, a) / nk) + bias.mean);
      for (int b = a; b < 2; ++b) {
        CAPTURE(b);
        const double scale = std::sqrt(C(a, a) * C(b, b));
        const double se = std::sqrt((C(a, a) * C(b, b) + C(a, b) * C(a, b)) / nk);
        CHECK(std::abs(st.cov[k](a, b) - C(a, b)) <= 5 * se + bias.cov_rel * scale);
      }
    }
  }
  // Pooled spread: SE = √(per-point variance / n) (≈ 1.8% of the mean at n = 3,000).
  const auto [spread, unused] = pooled_spread(st, ref.stats, x);
  const auto [ref_spread, ref_var] = ref.spread;
  CAPTURE(spread);
  CAPTURE(ref_spread);
  CHECK(std::abs(spread - ref_spread) <=
        5 * std::sqrt(ref_var / n) + bias.spread_rel * ref_spread);
  if (std::getenv("SCORELAB_PRINT_SPREAD"))
    MESSAGE(name << " spread " << spread << " ref " << ref_spread << " rel "
                 << (spread - ref_spread) / ref_spread);

  Rng rng(seed ^ 0x5eedull);
  Points exact;
  gm.sample(n, rng, exact);
  const double e = energy_distance(x, exact);
  CAPTURE(e);
  CAPTURE(ref.energy_threshold);
  CHECK(e < ref.energy_threshold);
}

}  // namespace scorelab::testing
