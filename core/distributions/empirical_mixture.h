// EmpiricalMixture: the exact perturbed density of a finite point set {p_j}, j = 1..P.
//
// Pushing the empirical distribution (1/P) Σ_j δ(p_j) through x_t = m x_0 + s z gives the mixture
// of isotropic Gaussians N(m p_j, s² I) with equal weights. Its score is the "optimal denoiser":
//   log p  = LSE_j[−‖x − m p_j‖² / (2s²)] − ln P − ln(2π s²)
//   score  = (m Σ_j r_j p_j − x) / s²
//   div    = (m²/s⁴)(Σ_j r_j ‖p_j‖² − ‖Σ_j r_j p_j‖²) − 2/s²
//   velocity = m′ x̂_0 + s′ (x − m x̂_0) / s,  x̂_0 = Σ_j r_j p_j = E[x_0 | x]   (SCORE_SPEC §9.3)
// Defined for s > 0 only (at s = 0 the density is a sum of deltas); m = 0 is allowed (the
// straight path's t = 1), where the velocity stays finite (x̂_0 is the points' mean).
#pragma once
#include "core/score/score_model.h"

namespace scorelab {

class EmpiricalMixture final : public ScoreModel {
 public:
  // Throws InputError for an empty point set or a point with NaN / infinity.
  explicit EmpiricalMixture(const Points& points);

  Index size() const { return px_.size(); }
  Points points() const;

  // Batched evaluation at the columns of x, as GaussianMixture::evaluate; level.s must be > 0
  // (throws InputError otherwise). Log-sum-exp per query, vectorised over the data points.
  template <class S>
  void evaluate(const PointsT<S>& x, const NoiseLevel& level, ValuesT<S>* log_density,
                PointsT<S>* score, ValuesT<S>* divergence) const;

  void score(const Points& x, const NoiseLevel& level, Points& out) const override;
  // Capabilities: both exact, in float (evaluate<double> for a reference); log_density also in
  // double (evaluate<double>, for the likelihood's closed form).
  bool has_log_density() const override { return true; }
  void log_density(const Points& x, const NoiseLevel& level, Values& out) const override;
  void log_density(const PointsT<double>& x, const NoiseLevel& level,
                   ValuesT<double>& out) const override;
  bool has_divergence() const override { return true; }
  void divergence(const Points& x, const NoiseLevel& level, Values& out) const override;
  // The exact velocity (above), per point in double: a plain loop over the points.
  bool has_velocity() const override { return true; }
  void velocity(const Points& x, const NoiseLevel& level, Points& out) const override;

 private:
  // The points stored as separate x and y arrays (structure of arrays) for SIMD over points,
  // in double for the double path and as float copies for the fast float path.
  Eigen::ArrayXd px_, py_;
  Eigen::ArrayXf pxf_, pyf_;
};

}  // namespace scorelab
