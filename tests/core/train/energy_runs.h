// The energy test of a learned model's samples, shared by the learning tests: independent sampler
// runs, each against a fresh exact sample, judged by the median energy ratio, and the mode weights
// of the last run against the exact sample's.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/train/quality.h"

namespace scorelab::testing {

// `runs` runs of `sampler` with `learned` (particles points each; the reference's n), each
// against a fresh exact sample. For a perfect sampler one ratio exceeds 1 with probability 5%,
// the median of three with 0.7%.
struct EnergyRuns {
  std::vector<double> ratios;  // sorted ascending
  QualityReport last;          // the last run's report (its mode weights)
  double median() const { return ratios[ratios.size() / 2]; }
};

inline EnergyRuns energy_runs(const ScoreModel& learned, const GaussianMixture& gmm,
                              const ExactSampler& data, const Sde& sde, Sampler& sampler,
                              const EnergyReference& ref, Index particles, int runs, Rng& rng) {
  QualityOptions opt;
  opt.bands = 1;
  opt.error_points = 10;
  opt.particles = particles;
  EnergyRuns out;
  for (int run = 0; run < runs; ++run) {
    out.last = measure_quality(learned, gmm, data, &gmm, sde, sampler, ref, opt, rng);
    REQUIRE(out.last.samples_finite);
    out.ratios.push_back(out.last.energy_ratio);
  }
  std::sort(out.ratios.begin(), out.ratios.end());
  return out;
}

// Mode weights of the learned samples against those of the exact sample: the difference of two
// binomial fractions has SE √(2w(1−w)/n); 5 SE.
inline void check_mode_weights(const QualityReport& q, Index particles) {
  for (std::size_t k = 0; k < q.weights_exact.size(); ++k) {
    CAPTURE(k);
    const double w = q.weights_exact[k];
    CHECK(std::abs(q.weights_learned[k] - w) <= 5 * std::sqrt(2 * w * (1 - w) / particles));
  }
}

}  // namespace scorelab::testing
