// The three score-SDEs of Song et al. (2021), exactly as score_sde_pytorch's sde_lib.py, T = 1.
//
//   dx = f(x, t) dt + g(t) dw,   with linear drift f(x, t) = drift_coef(t) · x for all three.
//   VE:     f = 0,          g = σ(t) √(2 ln(σ_max/σ_min)),  m = 1,  s = σ(t) = σ_min (σ_max/σ_min)^t
//   VP:     f = −½β(t)x,    g = √β(t),                       m = e^ℓ(t), s = √(1 − e^{2ℓ})
//   sub-VP: f = −½β(t)x,    g = √(β(t)(1 − e^{−2β_0 t − (β_1−β_0)t²})), m = e^ℓ, s = 1 − e^{2ℓ}
//   with β(t) = β_0 + t(β_1 − β_0), ℓ(t) = −¼t²(β_1 − β_0) − ½tβ_0.
// Note (reference quirk): the VE marginal std is σ(t), not √(σ(t)² − σ_min²).
#pragma once
#include <string_view>

#include "core/common/points.h"
#include "core/common/rng.h"
#include "core/noise/noise_level.h"

namespace scorelab {

enum class SdeKind { VE, VP, SubVP };

struct SdeParams {
  SdeKind kind = SdeKind::VE;
  double sigma_min = 0.01;  // VE: σ(0), data units, > 0
  double sigma_max = 10.0;  // VE: σ(1), data units, > sigma_min
  double beta_min = 0.1;    // VP / sub-VP: β(0) > 0 (per unit time)
  double beta_max = 20.0;   // VP / sub-VP: β(1) > beta_min
  int N = 1000;             // number of discretisation steps (SMLD / DDPM / sampler grid), ≥ 1

  void validate() const;  // throws InputError naming the field and its range
};

class Sde {
 public:
  static constexpr double T = 1.0;

  explicit Sde(const SdeParams& params);  // validates

  const SdeParams& params() const { return p_; }
  SdeKind kind() const { return p_.kind; }
  int N() const { return p_.N; }

  double drift_coef(double t) const;  // f(x, t) = drift_coef(t) · x
  double diffusion(double t) const;   // g(t)
  NoiseLevel level(double t) const;   // {t, m(t), s(t)}
  // The time t ≥ 0 at which σ̂(t) = s(t)/m(t), the VE-equivalent noise std (data units), equals
  // sigma_hat > 0 (closed form; σ̂ increases with t for all three processes). Not clamped to T.
  double time_of_sigma_hat(double sigma_hat) const;

  // The prior p_T: N(0, σ_max² I) for VE, N(0, I) for VP / sub-VP.
  double prior_std() const;
  void sample_prior(Points& out, Rng& rng) const;  // fills out (already sized 2×N)
  template <class S>
  ValuesT<S> prior_log_density(const PointsT<S>& x) const;

  // Discrete form at grid index i = ⌊t (N−1) / T⌋ (integer truncation, as the reference).
  // x_{i+1} = x_i + f_i + G_i z with f_i = f_coef · x_i:
  //   VE  (SMLD): f_coef = 0,           G = √(σ_i² − σ_{i−1}²), σ_{−1} = 0
  //   VP  (DDPM): f_coef = √α_i − 1,    G = √β_i
  //   sub-VP: the generic Euler form   f_coef = drift_coef(t)/N, G = g(t)/√N
  struct Discrete {
    double f_coef;
    double G;
  };
  int index(double t) const;
  Discrete discretize(double t) const;
  double discrete_sigma(int i) const;  // VE: exp(linspace(ln σ_min, ln σ_max, N))[i]; σ_{−1} = 0
  double discrete_beta(int i) const;   // VP / sub-VP: linspace(β_min/N, β_max/N, N)[i]

 private:
  double log_mean_coef(double t) const;  // ℓ(t) for VP / sub-VP
  SdeParams p_;
};

std::string_view to_string(SdeKind kind);
SdeKind sde_kind_from_string(std::string_view name);  // "ve", "vp", "subvp"; throws InputError

}  // namespace scorelab
