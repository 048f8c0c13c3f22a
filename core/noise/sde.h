// The three score-SDEs of Song et al. (2021), exactly as score_sde_pytorch's sde_lib.py, T = 1,
// and the straight path of rectified flow / conditional flow matching (SCORE_SPEC §9.3).
//
//   dx = f(x, t) dt + g(t) dw,   with linear drift f(x, t) = drift_coef(t) · x for all four.
//   VE:       f = 0,  g = σ(t) √(2 ln(σ_max/σ_min)),  m = 1,  s = σ(t) = σ_min (σ_max/σ_min)^t
//   VP:       f = −½β(t)x,  g = √β(t),  m = e^ℓ(t),  s = √(1 − e^{2ℓ})
//   sub-VP:   f = −½β(t)x,  g = √(β(t)(1 − e^{−2β_0 t − (β_1−β_0)t²})),  m = e^ℓ,  s = 1 − e^{2ℓ}
//   straight: f = −x/(1−t),  g = √(2t/(1−t)),  m = 1 − t,  s = t
//   with β(t) = β_0 + t(β_1 − β_0), ℓ(t) = −¼t²(β_1 − β_0) − ½tβ_0.
// The straight path's SDE form (f = m′/m, g² = 2ss′ − 2(m′/m)s²) is singular at t = 1, where
// m = 0; its marginals and its velocity are not (see t_max()).
// Note (reference quirk): the VE marginal std is σ(t), not √(σ(t)² − σ_min²).
#pragma once
#include "core/common/enum_table.h"
#include <string_view>

#include "core/common/points.h"
#include "core/common/rng.h"
#include "core/noise/noise_level.h"

namespace scorelab {

enum class SdeKind { VE, VP, SubVP, RectifiedFlow };

struct SdeParams {
  SdeKind kind = SdeKind::VE;
  double sigma_min = 0.01;  // VE: σ(0), data units, > 0, at most 1e6
  double sigma_max = 10.0;  // VE: σ(1), data units, at most 1e6, > sigma_min
  double beta_min = 0.1;    // VP / sub-VP: β(0) per unit time, > 0, at most 1000
  double beta_max = 20.0;   // VP / sub-VP: β(1), at most 1000, > beta_min
  // (The straight path has no parameters besides N.)
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

  // f(x, t) = drift_coef(t) · x and g(t), evaluated at min(t, t_max()).
  double drift_coef(double t) const;
  double diffusion(double t) const;
  // The largest time at which f and g are used as they are: T, except for the straight path,
  // whose f = −1/(1−t) and g² = 2t/(1−t) blow up at t = 1. There they are frozen at
  // t_max = 1 − 1/100 (f = −100, g² ≈ 198): a sampler that needs f, g (the reverse SDE, the
  // probability flow of a model without a velocity) then never sees ∞ or NaN, and an
  // Euler–Maruyama step with the default N = 1000 keeps |f − g² s| dt ≈ 0.1 (stable for N ≥ 100).
  // The price: on [t_max, 1] such a sampler follows the SDE of t_max, an O(1/100) error in the
  // first 1 % of the time, where p_t is within O(1/100) of the prior anyway. Models that answer a
  // velocity (ScoreModel::has_velocity) are integrated with it, which is finite to t = 1.
  double t_max() const;
  NoiseLevel level(double t) const;  // {t, m(t), s(t), m′(t), s′(t)}
  // The inverse of level(t).s: the time t ∈ [0, 1] whose marginal std is s (data units), in
  // closed form for all four (s(t) is increasing). s at or below s(0) gives 0, at or above
  // s(1) gives 1; so time_of_std(level(t).s) = t for t ∈ [0, 1] up to rounding.
  double time_of_std(double s) const;
  // The time t ≥ 0 at which σ̂(t) = s(t)/m(t), the VE-equivalent noise std (data units), equals
  // sigma_hat > 0 (closed form; σ̂ increases with t for all four processes). Not clamped to T
  // (the straight path's σ̂ reaches ∞ at t = 1, so its answer is below T).
  double time_of_sigma_hat(double sigma_hat) const;

  // The prior p_T: N(0, σ_max² I) for VE, N(0, I) for VP / sub-VP / the straight path (exact
  // for the straight path: m(1) = 0, s(1) = 1).
  double prior_std() const;
  void sample_prior(Points& out, Rng& rng) const;  // fills out (already sized 2×N)
  template <class S>
  ValuesT<S> prior_log_density(const PointsT<S>& x) const;

  // Discrete form at grid index i = ⌊t (N−1) / T⌋ (integer truncation, as the reference).
  // x_{i+1} = x_i + f_i + G_i z with f_i = f_coef · x_i:
  //   VE  (SMLD): f_coef = 0,           G = √(σ_i² − σ_{i−1}²), σ_{−1} = 0
  //   VP  (DDPM): f_coef = √α_i − 1,    G = √β_i
  //   sub-VP, straight path: the generic Euler form  f_coef = drift_coef(t)/N, G = g(t)/√N
  struct Discrete {
    double f_coef;
    double G;
  };
  int index(double t) const;
  Discrete discretize(double t) const;
  double discrete_sigma(int i) const;  // VE: exp(linspace(ln σ_min, ln σ_max, N))[i]; σ_{−1} = 0
  double discrete_beta(int i) const;   // VP / sub-VP: linspace(β_min/N, β_max/N, N)[i]
  bool has_beta() const { return p_.kind == SdeKind::VP || p_.kind == SdeKind::SubVP; }

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
      {SdeKind::RectifiedFlow, "rectified_flow", "straight path (rectified flow)"},
  };
};

}  // namespace scorelab
