// The three score-SDEs of Song et al. (2021), exactly as score_sde_pytorch's sde_lib.py, T = 1.
//
//   dx = f(x, t) dt + g(t) dw,   with linear drift f(x, t) = drift_coef(t) · x for all three.
//   VE:     f = 0,          g = σ(t) √(2 ln(σ_max/σ_min)),  m = 1,  s = σ(t) = σ_min (σ_max/σ_min)^t
//   VP:     f = −½β(t)x,    g = √β(t),                       m = e^ℓ(t), s = √(1 − e^{2ℓ})
//   sub-VP: f = −½β(t)x,    g = √(β(t)(1 − e^{−2β_0 t − (β_1−β_0)t²})), m = e^ℓ, s = 1 − e^{2ℓ}
//   with β(t) = β_0 + t(β_1 − β_0), ℓ(t) = −¼t²(β_1 − β_0) − ½tβ_0.
// Note (reference quirk): the VE marginal std is σ(t), not √(σ(t)² − σ_min²).
#pragma once
#include "core/common/enum_table.h"
#include <string_view>

#include "core/common/points.h"
#include "core/common/rng.h"
#include "core/noise/noise_level.h"

namespace scorelab {

enum class SdeKind { VE, VP, SubVP };

struct SdeParams {
  SdeKind kind = SdeKind::VE;
  double sigma_min = 0.01;  // VE: σ(0), data units, > 0, at most 1e6
  double sigma_max = 10.0;  // VE: σ(1), data units, at most 1e6, > sigma_min
  double beta_min = 0.1;    // VP / sub-VP: β(0) per unit time, > 0, at most 1000
  double beta_max = 20.0;   // VP / sub-VP: β(1), at most 1000, > beta_min
  int N = 1000;             // number of discretisation steps (SMLD / DDPM / sampler grid), ≥ 1
  bool operator==(const SdeParams&) const = default;

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
  // The inverse of level(t).s: the time t ∈ [0, 1] whose marginal std is s (data units), in
  // closed form for all three (s(t) is increasing). s at or below s(0) gives 0, at or above
  // s(1) gives 1; so time_of_std(level(t).s) = t for t ∈ [0, 1] up to rounding.
  double time_of_std(double s) const;
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

// Keys and labels (core/common/enum_table.h).
template <>
struct EnumTable<SdeKind> {
  static constexpr std::string_view what = "SDE";
  static constexpr EnumName<SdeKind> names[] = {
      {SdeKind::VE, "ve", "VE"},
      {SdeKind::VP, "vp", "VP"},
      {SdeKind::SubVP, "subvp", "sub-VP"},
  };
};

}  // namespace scorelab
