// How good is a learned score? The numbers the Model & training panel's quality meter shows and
// the `time_to_quality` benchmark uses, computed against the exact score and exact samples.
//
//   score error by σ   for K noise bands (levels evenly spaced in log σ̂, σ̂ = s/m, from
//                      sigma_hat_min to σ̂(1), so VE, VP and sub-VP bands are comparable):
//                      E‖s_θ − s‖² / E‖s‖² over points drawn from p_level (a ratio of means,
//                      dimensionless; the same measure as tests/core/train/learning_test.cpp)
//   energy distance    between samples drawn with the learned score (the given sampler) and exact
//                      samples: the V-statistic 2E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖ (data units),
//                      judged against the 95th percentile of the same statistic between two exact
//                      samples of the same size (ratio ≤ 1 passes)
//   mode weights       fraction of each sample assigned to each mixture component (highest
//                      responsibility under the clean mixture), learned vs exact samples
// Everything is seeded by the Rng passed in, so the same snapshot and seed give the same report.
#pragma once
#include <functional>
#include <vector>

#include "core/common/foreground_gate.h"
#include "core/common/rng.h"
#include "core/distributions/gaussian_mixture.h"
#include "core/noise/schedule.h"
#include "core/noise/sde.h"
#include "core/sample/sampler_registry.h"
#include "core/score/score_model.h"

namespace scorelab {

// Draws n exact clean data points into out (2 × n) (the same shape as the trainer's DataSource).
using ExactSampler = std::function<void(Index n, Rng& rng, Points& out)>;

// Energy distance of two point sets (V-statistic, ≥ 0, zero iff the same empirical law), in data
// units. O(n m): 1,000 × 1,000 points take a few milliseconds. The gate, if any, is passed
// between blocks of rows.
double energy_distance(const Points& x, const Points& y, const ForegroundGate* gate = nullptr);

// The exact-vs-exact null distribution of the energy distance for n-point samples: `pairs` draws,
// sorted; p95 is its 95th percentile (linear interpolation). Compute once per target and size.
// The gate, if any, is passed before each pair.
struct EnergyReference {
  Index n = 0;
  std::vector<double> null_energies;  // sorted ascending
  double p95 = 0;
};
EnergyReference energy_reference(const ExactSampler& exact, Index n, int pairs, Rng& rng,
                                 const ForegroundGate* gate = nullptr);

// Fraction of the points assigned to each component of the clean mixture (argmax of
// log π_k + log N(x; μ_k, Σ_k)).
std::vector<double> mode_weights(const GaussianMixture& mixture, const Points& x);

// The levels of K score-error bands: σ̂ = s/m evenly spaced in log between sigma_hat_min and
// σ̂(t_max) (t from Sde::time_of_sigma_hat, clamped to [0, 1]; t_max = 1 but for the straight
// path, Sde::t_max).
std::vector<NoiseLevel> quality_levels(const Sde& sde, double sigma_hat_min, int bands);

// E‖learned − exact‖² / E‖exact‖² at `level`, over `points` fresh points of p_level: one number
// for a noise band, weighted by where the data is (the field's relative_score_error, a map, is
// per point and unweighted). Arguments in the field's order: exact first.
double band_score_error(const ScoreModel& exact, const ScoreModel& learned,
                        const ExactSampler& data, const NoiseLevel& level, Index points, Rng& rng);

struct QualityOptions {
  int bands = 8;              // score-error bands, ≥ 1
  double sigma_hat_min = 0.01;  // the smallest band's σ̂, data units
  Index error_points = 1000;  // points per band
  Index particles = 1000;     // samples for the energy distance (and the reference's n)
  // Passed between bands and before every sampler step (null: never waits). Not a setting of the
  // measurement: the same snapshot and seed read the same with or without it.
  const ForegroundGate* gate = nullptr;
};

// The quality measurement as the window's meter takes it (app/state/quality_meter.h) and the
// benchmark times it: 8 bands of 1,000 points from σ̂ = 0.01 to σ̂(1), 1,000 samples for the
// energy distance, drawn by a 100-step reverse SDE.
struct QualityRecipe {
  QualityOptions options;
  int reference_pairs = 100;  // exact-vs-exact draws behind the 95th percentile (20 gave a p95
                              // low enough that exact samples failed 1 time in 8)
  int sde_steps = 100;        // reverse-SDE steps (exact ring8 samples pass as often at 100 as
                              // at 500: the discretisation is not what the number measures)
};

struct QualityReport {
  std::vector<NoiseLevel> levels;  // K band levels, σ̂ ascending
  std::vector<double> rel_error;   // K: E‖s_θ − s‖² / E‖s‖² at each level
  double energy = 0;               // learned samples vs a fresh exact sample
  double energy_p95 = 0;           // the reference's 95th percentile
  double energy_ratio = 0;         // energy / energy_p95 (≤ 1 passes)
  std::vector<double> weights_learned;  // per component (empty without a mixture)
  std::vector<double> weights_exact;    // of the fresh exact sample
  bool samples_finite = true;           // false: the learned sampler blew up (energy = ∞)
};

// One quality measurement of `learned` against the exact target. The sampler (built by the caller
// with make_sampler, e.g. the scene's reverse SDE) is restarted with options.particles particles
// and run to the end with the learned score. `reference` must be for n = options.particles.
// `mixture` may be null (a point-set target): no mode weights then.
// Order of random draws (so a direct computation can repeat it): band errors (band by band), the
// sampler run, the exact comparison sample.
QualityReport measure_quality(const ScoreModel& learned, const ScoreModel& exact,
                              const ExactSampler& data, const GaussianMixture* mixture,
                              const Sde& sde, Sampler& sampler, const EnergyReference& reference,
                              const QualityOptions& options, Rng& rng);

}  // namespace scorelab
