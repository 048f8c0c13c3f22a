#include "core/noise/sde.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <string>

#include "core/common/error.h"

namespace scorelab {

void SdeParams::validate() const {
  require_in_range("noise.sde.N", N, 1, 1000000);
  // Each bound on its own, then their order (see SigmaSchedule::validate).
  if (kind == SdeKind::VE) {
    require_above("noise.sde.sigma_min", sigma_min, 0.0);
    require_in_range("noise.sde.sigma_min", sigma_min, 0.0, 1e6);
    require_in_range("noise.sde.sigma_max", sigma_max, 0.0, 1e6);
    if (!(sigma_max > sigma_min))
      throw InputError("noise.sde.sigma_max (" + number_text(sigma_max) +
                       ") is not above noise.sde.sigma_min (" + number_text(sigma_min) +
                       "): sigma_min must be smaller than sigma_max");
  } else if (kind != SdeKind::RectifiedFlow) {
    // m(1) = exp(−(β_min + β_max) / 4): above β ≈ 3000 it underflows to 0 in double precision
    // and the process no longer remembers the data at all; 1000 keeps m(1) ≈ 1e-109 > 0.
    require_above("noise.sde.beta_min", beta_min, 0.0);
    require_in_range("noise.sde.beta_min", beta_min, 0.0, 1000);
    require_in_range("noise.sde.beta_max", beta_max, 0.0, 1000);
    if (!(beta_max > beta_min))
      throw InputError("noise.sde.beta_max (" + number_text(beta_max) +
                       ") is not above noise.sde.beta_min (" + number_text(beta_min) +
                       "): beta_min must be smaller than beta_max");
  }
}

Sde::Sde(const SdeParams& params) : p_(params) { p_.validate(); }

double Sde::log_mean_coef(double t) const {
  return -0.25 * t * t * (p_.beta_max - p_.beta_min) - 0.5 * t * p_.beta_min;
}

double Sde::t_max() const {
  return p_.kind == SdeKind::RectifiedFlow ? 0.99 : T;
}

double Sde::drift_coef(double t) const {
  t = std::min(t, t_max());
  switch (p_.kind) {
    case SdeKind::VE:
      return 0.0;
    case SdeKind::VP:
    case SdeKind::SubVP:
      return -0.5 * (p_.beta_min + t * (p_.beta_max - p_.beta_min));
    case SdeKind::RectifiedFlow:
      return -1.0 / (1.0 - t);  // m′/m
  }
  return 0.0;
}

double Sde::diffusion(double t) const {
  t = std::min(t, t_max());
  const double beta = p_.beta_min + t * (p_.beta_max - p_.beta_min);
  switch (p_.kind) {
    case SdeKind::VE: {
      const double sigma = p_.sigma_min * std::pow(p_.sigma_max / p_.sigma_min, t);
      return sigma * std::sqrt(2.0 * std::log(p_.sigma_max / p_.sigma_min));
    }
    case SdeKind::VP: return std::sqrt(beta);
    case SdeKind::SubVP: {
      const double discount =
          -std::expm1(-2.0 * p_.beta_min * t - (p_.beta_max - p_.beta_min) * t * t);
      return std::sqrt(beta * discount);
    }
    case SdeKind::RectifiedFlow:
      return std::sqrt(2.0 * t / (1.0 - t));  // 2ss′ − 2(m′/m)s²
  }
  return 0.0;
}

NoiseLevel Sde::level(double t) const {
  // Rates: ℓ′ = −½β(t) (VP / sub-VP), so m′ = ℓ′ m; VP s′ = −m m′ / s; sub-VP s′ = −2 m m′.
  const double dl = -0.5 * (p_.beta_min + t * (p_.beta_max - p_.beta_min));
  switch (p_.kind) {
    case SdeKind::VE: {
      const double s = p_.sigma_min * std::pow(p_.sigma_max / p_.sigma_min, t);
      return {t, 1.0, s, 0.0, s * std::log(p_.sigma_max / p_.sigma_min)};
    }
    case SdeKind::VP: {
      // l ≤ 0 for t ≥ 0; a solver's last step may land a rounding error below t = 0, where the
      // root of a tiny negative number would be NaN instead of the 0 it stands for.
      const double l = std::min(log_mean_coef(t), 0.0);
      const double m = std::exp(l), s = std::sqrt(-std::expm1(2.0 * l));
      return {t, m, s, dl * m, -m * m * dl / s};
    }
    case SdeKind::SubVP: {
      const double l = log_mean_coef(t);
      const double m = std::exp(l);
      return {t, m, -std::expm1(2.0 * l), dl * m, -2.0 * m * m * dl};  // no square root (reference)
    }
    case SdeKind::RectifiedFlow: {
      // Clamped to [0, 1] as VP's l: a solver's last step may land a rounding error outside.
      const double u = std::clamp(t, 0.0, T);
      return {t, 1.0 - u, u, -1.0, 1.0};
    }
  }
  return {};
}

double Sde::time_of_std(double s) const {
  assert(!std::isnan(s));
  if (s <= level(0.0).s) return 0.0;
  if (s >= level(T).s) return T;
  if (p_.kind == SdeKind::VE)
    return std::log(s / p_.sigma_min) / std::log(p_.sigma_max / p_.sigma_min);
  if (p_.kind == SdeKind::RectifiedFlow) return s;  // s(t) = t
  // VP: s² = 1 − e^{2ℓ};  sub-VP: s = 1 − e^{2ℓ}. log1p keeps small s (t near 0) accurate.
  const double l = 0.5 * (p_.kind == SdeKind::VP ? std::log1p(-s * s) : std::log1p(-s));  // ℓ < 0
  // Solve a t² + b t + ℓ = 0 for t ≥ 0 with a = ¼(β_1 − β_0), b = ½β_0 (ℓ(t) = −a t² − b t), in
  // the form t = −2ℓ / (b + √(b² − 4aℓ)), which has no cancellation.
  const double a = 0.25 * (p_.beta_max - p_.beta_min), b = 0.5 * p_.beta_min;
  return std::clamp(-2.0 * l / (b + std::sqrt(b * b - 4.0 * a * l)), 0.0, T);
}

double Sde::time_of_sigma_hat(double sigma_hat) const {
  if (p_.kind == SdeKind::VE)
    return std::log(sigma_hat / p_.sigma_min) / std::log(p_.sigma_max / p_.sigma_min);
  // Straight path: σ̂ = t/(1 − t), which reaches ∞ at t = 1 (never beyond T).
  if (p_.kind == SdeKind::RectifiedFlow) return 1.0 / (1.0 + 1.0 / sigma_hat);  // ∞ → 1
  // VP: σ̂² = e^{−2ℓ} − 1; sub-VP: σ̂ = (1 − m²)/m, so m = (√(σ̂² + 4) − σ̂)/2. Both give
  // L = −ℓ(t) = ¼Δβ t² + ½β_0 t, a quadratic in t with one positive root.
  const double L = p_.kind == SdeKind::VP
                       ? 0.5 * std::log1p(sigma_hat * sigma_hat)
                       : -std::log(0.5 * (std::sqrt(sigma_hat * sigma_hat + 4.0) - sigma_hat));
  const double a = 0.25 * (p_.beta_max - p_.beta_min), b = 0.5 * p_.beta_min;
  return 2.0 * L / (b + std::sqrt(b * b + 4.0 * a * L));  // stable root of a t² + b t − L = 0
}

double Sde::prior_std() const { return p_.kind == SdeKind::VE ? p_.sigma_max : 1.0; }

void Sde::sample_prior(Points& out, Rng& rng) const {
  rng.fill_normal(out);
  out *= static_cast<float>(prior_std());
}

template <class S>
ValuesT<S> Sde::prior_log_density(const PointsT<S>& x) const {
  const S var = static_cast<S>(prior_std() * prior_std());
  const S log_norm = -std::log(S(2) * std::numbers::pi_v<S> * var);  // −(D/2) ln(2π σ²), D = 2
  return (log_norm - x.colwise().squaredNorm().array() / (S(2) * var)).matrix().transpose();
}
template ValuesT<float> Sde::prior_log_density(const PointsT<float>&) const;
template ValuesT<double> Sde::prior_log_density(const PointsT<double>&) const;

int Sde::index(double t) const {
  const int i = static_cast<int>(t * (p_.N - 1) / T);  // truncation, as `.long()` in the reference
  return std::clamp(i, 0, p_.N - 1);
}

double Sde::discrete_sigma(int i) const {
  if (i < 0) return 0.0;
  if (p_.N == 1) return p_.sigma_min;
  const double u = static_cast<double>(i) / (p_.N - 1);
  return std::exp(std::log(p_.sigma_min) + u * (std::log(p_.sigma_max) - std::log(p_.sigma_min)));
}

double Sde::discrete_beta(int i) const {
  const double lo = p_.beta_min / p_.N, hi = p_.beta_max / p_.N;
  if (p_.N == 1) return lo;
  return lo + static_cast<double>(i) / (p_.N - 1) * (hi - lo);
}

Sde::Discrete Sde::discretize(double t) const {
  const int i = index(t);
  switch (p_.kind) {
    case SdeKind::VE: {
      const double s = discrete_sigma(i), sp = discrete_sigma(i - 1);
      return {0.0, std::sqrt(s * s - sp * sp)};
    }
    case SdeKind::VP: {
      const double beta = discrete_beta(i);
      return {std::sqrt(1.0 - beta) - 1.0, std::sqrt(beta)};
    }
    case SdeKind::SubVP:
    case SdeKind::RectifiedFlow:
      return {drift_coef(t) / p_.N, diffusion(t) / std::sqrt(double(p_.N))};
  }
  return {};
}

}  // namespace scorelab
