// GaussianMixture: p(x) = Σ_k π_k N(x; μ_k, Σ_k) in 2-D, full covariances, exact in closed form.
//
// Every evaluation is at a NoiseLevel {m, s}: the mixture pushed through x_t = m x_0 + s z, whose
// component k is N(m μ_k, m² Σ_k + s² I) (exact for every noise process in scorelab).
// NoiseLevel::clean() evaluates the data density itself.
//   log p = LSE_k [ln π_k − ln 2π − ½ ln det C_k − ½ (x − μ̃_k)ᵀ C_k⁻¹ (x − μ̃_k)]
//   score  = Σ_k r_k u_k,  u_k = C_k⁻¹ (μ̃_k − x),  r_k = responsibilities (softmax of the terms)
//   div    = tr ∇² log p = Σ_k r_k (‖u_k‖² − tr C_k⁻¹) − ‖score‖²
//   velocity v = E[m′ x_0 + s′ z | x] = Σ_k r_k (m′ (μ_k − m Σ_k u_k) − s′ s u_k)  (§9.3),
//            from the posterior mean of each component, E[x_0 | x, k] = μ_k − m Σ_k u_k, and
//            E[z | x] = −s score: no 1/m, so it is finite at the straight path's m = 0.
// m = 0 (with s > 0) is a level: the data forgotten, every component N(0, s² I).
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/common/rng.h"
#include "core/score/score_model.h"

namespace scorelab {

struct GaussianComponent {
  double weight = 1.0;                                    // π_k > 0 (normalised by the mixture)
  Eigen::Vector2d mean = Eigen::Vector2d::Zero();         // μ_k, data units
  Eigen::Matrix2d cov = Eigen::Matrix2d::Identity();      // Σ_k, symmetric positive definite
  bool operator==(const GaussianComponent&) const = default;
};

// A component written out: weight, mean (mx, my), covariance [[sxx, sxy], [sxy, syy]].
inline GaussianComponent component(double weight, double mx, double my, double sxx, double sxy,
                                   double syy) {
  GaussianComponent g;
  g.weight = weight;
  g.mean = {mx, my};
  g.cov << sxx, sxy, sxy, syy;
  return g;
}

class GaussianMixture final : public ScoreModel {
 public:
  // Validates (throws InputError with the component index and the reason): at least one
  // component; weights finite, ≥ 0 and not all zero; means finite; covariances finite, symmetric
  // and positive definite. Weights are normalised to sum to 1; zero-weight components are kept.
  explicit GaussianMixture(std::vector<GaussianComponent> components);

  const std::vector<GaussianComponent>& components() const { return comps_; }
  Index size() const { return static_cast<Index>(comps_.size()); }

  // The mixture of the perturbed components N(m μ_k, m² Σ_k + s² I).
  GaussianMixture perturbed(const NoiseLevel& level) const;

  // Batched evaluation of p_level at the columns of x. Each output may be null (not computed);
  // non-null outputs are resized. Vectorised over points in blocks; float or double.
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
  // J v with J = ∇² log p_level = Σ_k r_k ((u_k − s)(u_k − s)ᵀ − C_k⁻¹) (centred form), per point
  // in double; a plain loop (it serves Hutchinson comparisons, not the fast paths).
  bool has_jvp() const override { return true; }
  void jvp(const Points& x, const NoiseLevel& level, const Points& v, Points& out) const override;
  // The exact velocity (above), per point in double, a plain loop like jvp.
  bool has_velocity() const override { return true; }
  void velocity(const Points& x, const NoiseLevel& level, Points& out) const override;

  // Its components are its classes: class_score(k) is component k's perturbed score.
  int classes() const override { return static_cast<int>(comps_.size()); }
  void class_score(const Points& x, const NoiseLevel& level, int k, Points& out) const override;

  // n draws from p_level; labels (optional) receive the component index of each draw.
  void sample(Index n, Rng& rng, Points& out, const NoiseLevel& level = NoiseLevel::clean(),
              std::vector<int>* labels = nullptr) const;

 private:
  std::vector<GaussianComponent> comps_;
};

}  // namespace scorelab
