// Live numbers a class can read: how the particles compare with the exact distribution at their
// own level, as three readings the Numbers section draws (app/ui/numbers_panel.cpp), and a fourth
// under class guidance:
//   particles per mode   the fraction of particles whose largest exact responsibility at the
//                        level is component k, beside the true weight π_k (mixture data only)
//   marginal strip       a histogram of the particles projected on a unit direction u, beside the
//                        exact marginal density of uᵀx at the level (a 1-D mixture)
//   energy distance      particles against fresh exact samples of the level, beside the
//                        exact-vs-exact values of the same statistic (core/train/quality.h)
//   sharpening           class guidance (mixture data): the particles' spread against the exact
//                        class conditional's at the level, N(m μ_k, m² Σ_k + s² I)
//                        (core/sample/conditioning.h measure_sharpening): 1 for the class
//                        conditional itself, below 1 when a guidance weight > 1 sharpens past it
// The exact distribution at a level is what the run should reproduce, pushed through
// x_t = m x_0 + s z: the data, or under a condition (imputation, observation, class) its exact
// conditional, the same target the lessons' claims use (core/sample/conditioning.h
// conditional_target); a Gaussian mixture's components become N(m μ_k, m² Σ_k + s² I); any other
// data (moons, spirals, drawn points; conditions need a mixture) is the shown point set, each
// point becoming N(m p_j, s² I).
#pragma once
#include <Eigen/Core>
#include <memory>
#include <optional>
#include <vector>

#include "app/state/jobs.h"
#include "core/common/rng.h"
#include "core/distributions/gaussian_mixture.h"
#include "core/sample/conditioning.h"
#include "core/noise/noise_level.h"

namespace scorelab::app {

class AppContext;

// The exact distribution of the data at any level: a mixture when the data has components,
// else the shown point set.
struct LevelTarget {
  std::optional<GaussianMixture> mixture;  // mixture data (components normalised)
  Points points;                           // 2 × P, the point set otherwise
  // `mixture` is the exact conditional of the scene's condition, not the data (class guidance:
  // the one component k; imputation and observation: the posterior's components).
  bool conditional = false;

  // n exact draws of p_level into out (2 × n).
  void sample(const NoiseLevel& level, Index n, Rng& rng, Points& out) const;
};
LevelTarget level_target(const AppContext& ctx);

// Per component k, the fraction of the columns of x whose largest responsibility at `level`
// (log π_k + log N(x; m μ_k, m² Σ_k + s² I)) is k.
std::vector<double> mode_fractions(const GaussianMixture& clean, const NoiseLevel& level,
                                   const Points& x);

// The marginal of uᵀx at a level: a 1-D mixture Σ_k w_k N(mean_k, var_k).
struct Marginal1D {
  std::vector<double> weights, means, vars;  // weights sum to 1; vars > 0 (data units²)
  double cdf(double z) const;                // P(uᵀx ≤ z)
  // [lo, hi] holding every component within `sds` standard deviations.
  std::pair<double, double> range(double sds) const;
};
// Mixture: means m uᵀμ_k, variances m² uᵀΣ_k u + s². Point set: equal weights, means m uᵀp_j,
// variances s². `u` must be a unit vector and level.s > 0 for a point set.
Marginal1D marginal_along(const LevelTarget& target, const NoiseLevel& level,
                          const Eigen::Vector2d& u);

// Particles and the exact marginal over the same bins of [lo, hi], both as densities (per data
// unit): the particles' count / (n · width), the exact probability of the bin / width (so a
// spike narrower than a bin is drawn with its true mass, not as an unbounded peak).
struct MarginalStrip {
  double lo = 0, hi = 1;
  std::vector<double> particles, exact;  // bins each
  Index outside = 0;                     // particles beyond [lo, hi]
};
MarginalStrip marginal_strip(const Points& x, const Eigen::Vector2d& u, const Marginal1D& exact,
                             double lo, double hi, int bins);

// Energy distance of the particles to one fresh exact sample, and the exact-vs-exact values of
// the same statistic at the same size.
struct EnergyNumbers {
  Index n = 0;             // particles compared (and the size of each exact sample)
  double energy = 0;       // data units
  double null_median = 0;  // exact vs exact: the median of kEnergyPairs draws
  double null_p95 = 0;     // exact vs exact: the 95th percentile
};
inline constexpr Index kEnergyParticles = 500;  // O(n²) pairs: about a millisecond per distance
inline constexpr int kEnergyPairs = 20;         // exact-vs-exact draws per reading
inline constexpr int kMarginalBins = 60;

// The particles' first kEnergyParticles columns (already a random sample of the run) against
// the level's exact samples. Random draws, in order: the comparison sample, then core's
// energy_reference with the level's sampler.
EnergyNumbers measure_energy(const LevelTarget& target, const NoiseLevel& level,
                             const Points& particles, Rng& rng);

// All three readings for one state of the particles, so everything shown is of one step.
struct Reading {
  int step = 0, total_steps = 0;  // the sampler step measured (total 0: adaptive)
  NoiseLevel level;               // the particles' level then (s floored at kMinFieldStd)
  Eigen::Vector2d u{1, 0};        // the strip's direction
  std::vector<double> fractions;  // per component (empty without a mixture)
  MarginalStrip strip;
  EnergyNumbers energy;
  int guided_class = -1;               // the class k guided towards, −1 without class guidance
  std::optional<Sharpening> sharpening;  // against class k's conditional (class guidance only)
};
// `guided_class`: the component k of class guidance (the scene's sampler.condition), or −1.
Reading measure(const LevelTarget& target, const NoiseLevel& level, const Points& particles,
                const Eigen::Vector2d& u, Rng& rng, int guided_class = -1);

// The component class guidance of the scene steers towards, when the data is a mixture that has
// it; else −1.
int guided_class(const AppContext& ctx);

// The window's readings, updated once per frame while the Numbers section shows. A reading costs
// tens of milliseconds (the energy distances), so it runs as a background job on a copy of the
// newest particles, one at a time, a new one once the last is done, 0.3 s have passed and the
// particles or the direction changed; scripted runs measure on the UI thread, so their frames are
// deterministic.
class LiveNumbers {
 public:
  // Takes a finished reading and starts the next one on `jobs` when due.
  void update(const AppContext& ctx, JobRunner& jobs);

  const LevelTarget* target() const { return target_.get(); }  // null before the first update
  bool has_modes() const { return target_ && target_->mixture.has_value(); }
  const std::vector<double>& true_weights() const { return true_weights_; }
  const std::optional<Reading>& reading() const { return reading_; }  // the newest done
  bool measuring() const { return job_ != nullptr; }

 private:
  std::shared_ptr<const LevelTarget> target_;
  std::vector<double> true_weights_;
  long data_revision_ = -1;
  std::optional<Conditioning> condition_;  // the target's condition (none: the data)
  long measured_revision_ = -1;  // the particles' revision of the newest submitted reading
  double measured_angle_ = 1e9;
  static constexpr double kMinInterval = 0.3;  // seconds between background readings
  double submitted_at_ = -1e9;                 // steady clock, seconds
  Rng rng_;
  std::optional<Reading> reading_;
  std::shared_ptr<Job<Reading>> job_;
};

}  // namespace scorelab::app
