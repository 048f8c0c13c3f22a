// The VE / VP / sub-VP SDEs: marginals consistent with drift and diffusion, reference constants,
// discrete forms, prior, and validation.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "core/noise/sde.h"

using namespace scorelab;

namespace {
SdeParams params(SdeKind k) {
  SdeParams p;
  p.kind = k;
  p.sigma_min = 0.01;
  p.sigma_max = 50.0;
  return p;
}
}  // namespace

TEST_CASE("VP constants match score_sde: e^{ℓ(1)} = 0.006572, std(1)² = 0.999957") {
  Sde vp(params(SdeKind::VP));
  CHECK(vp.level(1.0).m == doctest::Approx(0.006572).epsilon(1e-4));
  CHECK(vp.level(1.0).s * vp.level(1.0).s == doctest::Approx(0.999957).epsilon(1e-6));
  Sde sub(params(SdeKind::SubVP));  // sub-VP std has no square root
  CHECK(sub.level(0.5).s == doctest::Approx(1 - std::pow(sub.level(0.5).m, 2)));
  Sde ve(params(SdeKind::VE));
  CHECK(ve.level(0).s == doctest::Approx(0.01));  // the reference keeps σ_min at t = 0
  CHECK(ve.level(1).s == doctest::Approx(50.0));
  CHECK(ve.level(0.3).m == 1.0);
}

// For dx = a(t) x dt + g(t) dw the marginal x_t = m x_0 + s z obeys dm/dt = a m and
// d(s²)/dt = 2 a s² + g². Checked by central differences (h = 1e-5, error O(h²) ≈ 1e-9).
TEST_CASE("m(t), s(t) are the marginals of the drift and diffusion, for every SDE") {
  for (SdeKind k : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP, SdeKind::RectifiedFlow}) {
    CAPTURE(to_string(k));
    Sde sde(params(k));
    for (double t : {0.05, 0.3, 0.6, 0.95}) {
      CAPTURE(t);
      const double h = 1e-5;
      const NoiseLevel lo = sde.level(t - h), hi = sde.level(t + h), at = sde.level(t);
      const double dm = (hi.m - lo.m) / (2 * h);
      const double dv = (hi.s * hi.s - lo.s * lo.s) / (2 * h);
      const double a = sde.drift_coef(t), g = sde.diffusion(t);
      CHECK(dm == doctest::Approx(a * at.m).epsilon(1e-6));
      CHECK(dv == doctest::Approx(2 * a * at.s * at.s + g * g).epsilon(1e-6));
    }
  }
}

TEST_CASE("discrete forms: SMLD telescopes to σ_i², DDPM uses √α_i − 1 and √β_i") {
  SdeParams p = params(SdeKind::VE);
  p.N = 20;
  Sde ve(p);
  double var = 0;
  for (int i = 0; i < p.N; ++i) {
    const double t = static_cast<double>(i) / (p.N - 1);
    CHECK(ve.index(t) == i);
    const auto d = ve.discretize(t);
    CHECK(d.f_coef == 0.0);
    var += d.G * d.G;
    CHECK(var == doctest::Approx(ve.discrete_sigma(i) * ve.discrete_sigma(i)));
  }
  CHECK(ve.discrete_sigma(p.N - 1) == doctest::Approx(50.0));
  CHECK(ve.discrete_sigma(-1) == 0.0);

  SdeParams q = params(SdeKind::VP);
  q.N = 1000;
  Sde vp(q);
  const auto d = vp.discretize(1.0);
  CHECK(vp.discrete_beta(999) == doctest::Approx(20.0 / 1000));
  CHECK(d.G == doctest::Approx(std::sqrt(0.02)));
  CHECK(d.f_coef == doctest::Approx(std::sqrt(1 - 0.02) - 1));
  CHECK(vp.index(0.5) == 499);  // ⌊0.5 · 999⌋, truncation as in the reference

  SdeParams r = params(SdeKind::SubVP);
  Sde sub(r);
  const auto e = sub.discretize(0.4);
  CHECK(e.f_coef == doctest::Approx(sub.drift_coef(0.4) / 1000));
  CHECK(e.G == doctest::Approx(sub.diffusion(0.4) / std::sqrt(1000.0)));
}

TEST_CASE("prior log-density is N(0, prior_std² I) and prior samples have that spread") {
  for (SdeKind k : {SdeKind::VE, SdeKind::VP}) {
    Sde sde(params(k));
    const double sd = sde.prior_std();
    PointsT<double> x(2, 2);
    x << 0.0, 1.5, 0.0, -2.0;
    const auto lp = sde.prior_log_density(x);
    const double norm = -std::log(2 * std::numbers::pi * sd * sd);
    CHECK(lp[0] == doctest::Approx(norm));
    CHECK(lp[1] == doctest::Approx(norm - (1.5 * 1.5 + 4.0) / (2 * sd * sd)));
    Rng rng(1);
    Points z(2, 100000);
    sde.sample_prior(z, rng);
    // Sample std of 2·10⁵ normals: relative standard error 1/√(2n) ≈ 0.16%; allow 1%.
    const double var = z.cast<double>().squaredNorm() / z.size();
    CHECK(std::sqrt(var) == doctest::Approx(sd).epsilon(0.01));
  }
}

TEST_CASE("invalid SDE parameters are rejected with the field named") {
  auto expect = [](SdeParams p, const char* field) {
    CHECK_THROWS_WITH_AS(Sde{p}, doctest::Contains(field), InputError);
  };
  SdeParams ve = params(SdeKind::VE);
  ve.sigma_min = 0;
  expect(ve, "sigma_min");
  ve = params(SdeKind::VE);
  ve.sigma_max = 0.001;
  expect(ve, "sigma_max");
  ve = params(SdeKind::VE);
  ve.N = 0;
  expect(ve, "N");
  SdeParams vp = params(SdeKind::VP);
  vp.beta_min = NAN;
  expect(vp, "beta_min");
  vp = params(SdeKind::VP);
  vp.beta_max = vp.beta_min;
  expect(vp, "beta");
  CHECK_THROWS_WITH_AS(enum_from_string<SdeKind>("edm"), doctest::Contains("ve, vp, subvp"), InputError);
  CHECK(enum_from_string<SdeKind>("subvp") == SdeKind::SubVP);
}

// The log-σ̂ level distribution of the trainer maps σ̂ = s/m back to t in closed form.
TEST_CASE("time_of_sigma_hat inverts σ̂(t) = s(t)/m(t) for every SDE") {
  for (SdeKind kind : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP}) {
    CAPTURE(to_string(kind));
    SdeParams p;
    p.kind = kind;
    const Sde sde(p);
    for (double t : {1e-5, 1e-3, 0.05, 0.3, 0.7, 1.0}) {
      CAPTURE(t);
      const NoiseLevel lv = sde.level(t);
      CHECK(sde.time_of_sigma_hat(lv.s / lv.m) == doctest::Approx(t).epsilon(1e-9));
    }
  }
}

// The rates a level carries (NoiseLevel::dm, ds: what the velocity needs) are the derivatives of
// m(t) and s(t): central differences, h = 1e-6, error O(h²) ≈ 1e-12 plus rounding ~1e-10.
TEST_CASE("level rates dm, ds are m'(t), s'(t) for every process") {
  for (SdeKind k : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP, SdeKind::RectifiedFlow}) {
    CAPTURE(to_string(k));
    const Sde sde(params(k));
    for (double t : {0.01, 0.3, 0.6, 0.95}) {
      CAPTURE(t);
      const double h = 1e-6;
      const NoiseLevel lo = sde.level(t - h), hi = sde.level(t + h), at = sde.level(t);
      CHECK(at.dm == doctest::Approx((hi.m - lo.m) / (2 * h)).epsilon(1e-6).scale(1e-3));
      CHECK(at.ds == doctest::Approx((hi.s - lo.s) / (2 * h)).epsilon(1e-6).scale(1e-3));
    }
  }
}

TEST_CASE("straight path: m = 1 - t, s = t, its inverses, prior N(0, I), f and g finite to t = 1") {
  const Sde sde(params(SdeKind::RectifiedFlow));
  for (double t : {0.0, 0.25, 0.5, 1.0}) {
    const NoiseLevel lv = sde.level(t);
    CHECK(lv.m == 1 - t);
    CHECK(lv.s == t);
    CHECK(lv.dm == -1.0);
    CHECK(lv.ds == 1.0);
    CHECK(sde.time_of_std(t) == doctest::Approx(t));
    // σ̂ = s/m = t/(1 − t), inverted in closed form (t = 1 is σ̂ = ∞).
    if (t > 0 && t < 1) CHECK(sde.time_of_sigma_hat(t / (1 - t)) == doctest::Approx(t));
  }
  CHECK(sde.time_of_sigma_hat(HUGE_VAL) == 1.0);
  CHECK(sde.prior_std() == 1.0);  // exact: m(1) = 0, s(1) = 1
  // The SDE form is singular at t = 1: f and g are frozen at t_max = 0.99 (Sde::t_max), so a
  // sampler that needs them never sees infinity; below t_max they are the SDE's own.
  CHECK(sde.t_max() == 0.99);
  CHECK(sde.drift_coef(0.5) == doctest::Approx(-2.0));           // −1/(1 − t)
  CHECK(sde.diffusion(0.5) == doctest::Approx(std::sqrt(2.0)));  // √(2t/(1 − t))
  CHECK(sde.drift_coef(1.0) == sde.drift_coef(0.99));
  CHECK(std::isfinite(sde.drift_coef(1.0)));
  CHECK(std::isfinite(sde.diffusion(1.0)));
  const Sde::Discrete d = sde.discretize(1.0);
  CHECK(std::isfinite(d.f_coef));
  CHECK(std::isfinite(d.G));
  // Every other process uses its f and g up to T.
  for (SdeKind k : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP}) CHECK(Sde(params(k)).t_max() == 1.0);
}
