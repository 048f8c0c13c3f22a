// DDIM (core/sample/ddim.h) with the exact score of Gaussian mixtures:
//  - η = 0 converges, particle by particle, to the probability-flow ODE from the same prior points,
//    at first order in the step;
//  - η = 1 is DDPM's posterior step q(x_t′ | x_t, x̂₀), written here from the VP discrete
//    quantities, with the same z;
//  - η = 0 and η = 1 reproduce the targets (VP, and VE at η = 0), as every sampler does
//    (reproduce_test.cpp), and so does the shipped scene;
//  - validation, its level and its randomness (η = 0 draws nothing).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "core/common/error.h"
#include "core/scene/scene_run.h"
#include "sample_testing.h"

namespace scorelab {
namespace ddim_tests {

SdeParams ddim_sde(SdeKind kind) {
  SdeParams p;  // β 0.1 → 20 for VP
  p.kind = kind;
  p.sigma_min = 0.01;
  p.sigma_max = 50.0;  // VE: the score_sde default, which fits both targets (reproduce_test.cpp)
  return p;
}

DdimConfig ddim(double eta, int steps) {
  DdimConfig c;
  c.eta = eta;
  c.steps = steps;
  return c;
}

// n draws of the SDE's prior (the points every DDIM run starts from).
Points ddim_prior_points(SdeKind kind, Index n, std::uint64_t seed) {
  Rng rng(seed);
  Points x(2, n);
  Sde(ddim_sde(kind)).sample_prior(x, rng);
  return x;
}

// Runs `config` on ring8's exact score from x0.
Points run_from(const SamplerConfig& config, SdeKind kind, const Points& x0, Rng& rng) {
  auto sampler = make_sampler(config, {}, ddim_sde(kind));
  sampler->start(x0);
  sampler->run(ring8(), rng);
  CHECK(sampler->finished());
  return sampler->particles();
}

// The largest distance between paired particles (data units).
double max_distance(const Points& a, const Points& b) {
  return (a - b).colwise().norm().maxCoeff();
}

TEST_CASE("DDIM at eta = 0 converges to the probability-flow ODE from the same prior points") {
  const Points x0 = ddim_prior_points(SdeKind::VP, 256, 31);
  ProbabilityFlowConfig ode;  // the reference: RK45 at the tightest tolerance float particles allow
  ode.rtol = ode.atol = 1e-7;
  ode.t_end = DdimConfig{}.eps;  // 1e-3, where DDIM's last step lands
  Rng rng(1);
  const Points flow = run_from(ode, SdeKind::VP, x0, rng);
  const Points coarse = run_from(ddim(0, 200), SdeKind::VP, x0, rng);
  const Points fine = run_from(ddim(0, 2000), SdeKind::VP, x0, rng);
  const double error_200 = max_distance(coarse, flow), error_2000 = max_distance(fine, flow);
  MESSAGE("DDIM eta 0 vs RK45 at 1e-7, max distance: " << error_200 << " at 200 steps, "
                                                       << error_2000 << " at 2,000");
  // DDIM at η = 0 is a first-order integrator of the flow (exact in x/m against s/m while the
  // score is held over a step): 10× the steps divide the error by about 10 (measured 2.07e-2 →
  // 2.10e-3, and 8.2e-4 at 5,000 steps). Allow a factor 5 for the pre-asymptotic regime. The
  // reference is good to ~4e-5 (RK45 at 1e-7 against RK4 in 4,000 steps), far below both. Beyond
  // ~20,000 steps float rounding of the particles takes over (measured 4.0e-4 at 20,000, 6.3e-4 at
  // 60,000, 2.8e-3 at 200,000): the step counts here stay well above that floor.
  CHECK(error_2000 < error_200 / 5);
  CHECK(error_2000 < 5e-3);  // ring8's particles end ~4 from the origin
}

TEST_CASE("DDIM's coefficients at eta = 1 are DDPM's posterior step (VP), to 1e-10") {
  const Sde sde(ddim_sde(SdeKind::VP));
  // x_t, the score there and z: any numbers; the step is affine in them.
  const double x = 0.7, score = -1.3, z = 0.45;
  const std::pair<double, double> steps[] = {{1.0, 0.9}, {0.5, 0.49}, {0.2, 0.05}, {0.011, 1e-3}};
  double worst = 0;
  for (auto [t, t_next] : steps) {
    CAPTURE(t);
    // DDPM (Ho et al. 2020) from the discrete quantities ᾱ_t = m(t)², ᾱ_t′ = m(t′)².
    const double abar = std::pow(sde.level(t).m, 2), abar_next = std::pow(sde.level(t_next).m, 2);
    const double alpha = abar / abar_next, beta = 1 - alpha;
    const double x0_hat = (x + (1 - abar) * score) / std::sqrt(abar);  // Tweedie
    const double mean = std::sqrt(abar_next) * beta / (1 - abar) * x0_hat +
                        std::sqrt(alpha) * (1 - abar_next) / (1 - abar) * x;
    const double var = (1 - abar_next) / (1 - abar) * beta;
    const double want = mean + std::sqrt(var) * z;
    const DdimCoefficients k = ddim_coefficients(sde.level(t), sde.level(t_next), 1.0);
    CHECK(k.c == doctest::Approx(std::sqrt(var)).epsilon(1e-12));
    const double error = std::abs(k.a * x + k.b * score + k.c * z - want);
    worst = std::max(worst, error);
    CHECK(error < 1e-10);
  }
  MESSAGE("DDIM eta 1 vs DDPM posterior, in double: worst error " << worst);
}

TEST_CASE("DDIM at eta = 1 steps particles by DDPM's posterior with the sampler's own z") {
  const SdeParams vp = ddim_sde(SdeKind::VP);
  const Sde sde(vp);
  const DdimConfig c = ddim(1, 10);
  const Points x0 = ddim_prior_points(SdeKind::VP, 512, 41);
  const GaussianMixture gm = ring8();
  auto sampler = make_sampler(c, {}, vp);
  sampler->start(x0);
  Rng rng(77), twin(77);  // two identical generators: twin draws the z the sampler will draw
  double worst = 0;
  for (int k = 0; k < c.steps; ++k) {
    CAPTURE(k);
    const Points x = sampler->particles();
    const double t = sampler->level().t;
    const double t_next = k + 1 == c.steps ? c.eps : 1.0 + (k + 1) * (c.eps - 1.0) / c.steps;
    Points score, z(2, x.cols());
    gm.score(x, sde.level(t), score);
    twin.fill_normal(z);  // as the sampler draws: one fill_normal over the 2 × N noise
    const double abar = std::pow(sde.level(t).m, 2), abar_next = std::pow(sde.level(t_next).m, 2);
    const double alpha = abar / abar_next, beta = 1 - alpha;
    const Eigen::MatrixXd xd = x.cast<double>();
    const Eigen::MatrixXd x0_hat = (xd + (1 - abar) * score.cast<double>()) / std::sqrt(abar);
    const Eigen::MatrixXd want = std::sqrt(abar_next) * beta / (1 - abar) * x0_hat +
                                 std::sqrt(alpha) * (1 - abar_next) / (1 - abar) * xd +
                                 std::sqrt((1 - abar_next) / (1 - abar) * beta) * z.cast<double>();
    REQUIRE(sampler->step(gm, rng));
    CHECK(sampler->level().t == doctest::Approx(t_next).epsilon(1e-12));
    // The sampler rounds a·x + b·score + c·z to float particles, so 1e-10 (the coefficients' own
    // agreement, above) cannot hold here: a few float ulps of the largest term (a and b reach ~2.5
    // at the first step, where m(1) = 0.0066). Measured 4.6e-7 relative to 1 + |x|; allow 1e-5.
    const Eigen::MatrixXd got = sampler->particles().cast<double>();
    const double err = ((got - want).array().abs() / (1 + want.array().abs())).maxCoeff();
    worst = std::max(worst, err);
    CHECK(err < 1e-5);
  }
  MESSAGE("DDIM eta 1 vs DDPM posterior, particles (float): worst error "
          << worst << " relative to 1 + |x|");
  CHECK(sampler->finished());
}

// The energy distance check_reproduces tests (against the same exact sample), over its threshold.
double ddim_energy_ratio(const std::string& name, const GaussianMixture& gm, const Points& x,
                         std::uint64_t seed) {
  Rng exact_rng(seed ^ 0x5eedull);
  Points exact;
  gm.sample(x.cols(), exact_rng, exact);
  return testing::energy_distance(x, exact) /
         testing::reference(name, gm, x.cols()).energy_threshold;
}

// Runs DDIM from its own start (the prior) on both targets and checks them as reproduce_test.cpp
// does (mode weights, means, covariances, pooled spread, energy distance).
void ddim_reproduces(const DdimConfig& c, SdeKind kind, const testing::Bias& bias) {
  const std::pair<const char*, GaussianMixture> targets[] = {
      {"ring8", ring8()}, {"anisotropic3", testing::anisotropic3()}};
  constexpr Index n = 3000;
  std::uint64_t seed = 100;
  for (const auto& [name, gm] : targets) {
    CAPTURE(std::string(name));
    auto sampler = make_sampler(c, {}, ddim_sde(kind));
    Rng rng(++seed);
    sampler->start(n, rng);
    sampler->run(gm, rng);
    CHECK(sampler->finished());
    testing::check_reproduces(name, gm, sampler->particles(), bias, seed);
    MESSAGE("DDIM " << to_string(kind) << " eta " << c.eta << ", " << c.steps << " steps, "
                    << std::string(name) << ": energy / threshold "
                    << ddim_energy_ratio(name, gm, sampler->particles(), seed));
  }
}

// Tolerances (check_reproduces): 5 standard errors of 3,000 particles plus a bias allowance set, as
// in reproduce_test.cpp, just above the worst deviation MEASURED with 30,000 particles (two seeds;
// at that size sampling noise alone reaches ~0.07 on a ring8 covariance entry):
//   DDIM                    weight  mean   cov (rel.)  measured at n = 30,000
//   VP, η = 0, 100 steps    0.01    0.035  0.10        0.008 / 0.029 / 0.088
//   VP, η = 1, 1,000 steps  0.01    0.035  0.10        0.005 / 0.011 / 0.082
//   VE, η = 0, 100 steps    0.01    0.045  0.14        0.010 / 0.040 / 0.125
// VE's geometric σ(t) makes 100 uniform steps in t coarser where the modes form (measured 0.014 /
// 0.040 at 400 steps), like the ODE's Euler (0.04 / 0.10 in reproduce_test.cpp).
// Measured energy / threshold at n = 3,000 (the threshold is 3× the worst of 8 exact-vs-exact
// distances: those 8 pairs are all at most 1/3 of it): VP η = 0 0.19 (ring8) and 0.19
// (anisotropic3), η = 1 0.60 and 0.27, VE η = 0 0.19 and 0.21.
const testing::Bias kDdimBias{0.01, 0.035, 0.10};

TEST_CASE("DDIM reproduces the targets: eta 0 in 100 steps and eta 1 in 1,000 (VP)") {
  ddim_reproduces(ddim(0, 100), SdeKind::VP, kDdimBias);
  ddim_reproduces(ddim(1, 1000), SdeKind::VP, kDdimBias);
}

TEST_CASE("DDIM reproduces the targets under VE (eta 0, 100 steps)") {
  ddim_reproduces(ddim(0, 100), SdeKind::VE, {0.01, 0.045, 0.14});
}

TEST_CASE("the shipped DDIM scene (VP, eta 0, 50 steps) reproduces ring8") {
  const Scene scene =
      load_scene(std::string(SCORELAB_SOURCE_DIR) + "/assets/scenes/ring8_ddim.json");
  const auto* c = std::get_if<DdimConfig>(&scene.sampler);
  REQUIRE(c);
  CHECK(c->eta == 0);
  CHECK(c->steps == 50);
  CHECK(scene.noise.sde.kind == SdeKind::VP);
  const Points x = sample_scene(scene);  // its 2,000 particles
  // 50 steps are coarser than the cases above: measured at n = 30,000 (two seeds) weight 0.005,
  // mean 0.034, cov 0.13.
  testing::check_reproduces("ring8", ring8(), x, {0.01, 0.04, 0.14}, 9);
  MESSAGE("ring8_ddim.json: energy / threshold " << ddim_energy_ratio("ring8", ring8(), x, 9));
}

TEST_CASE("DDIM validates eta, steps and eps, and refuses imputation it cannot run") {
  const SdeParams vp = ddim_sde(SdeKind::VP);
  const auto refuses = [&](const DdimConfig& c, const std::string& what) {
    CAPTURE(what);
    CHECK_THROWS_WITH_AS(make_sampler(c, {}, vp), doctest::Contains(what.c_str()), InputError);
  };
  refuses(ddim(-0.1, 100), "sampler.eta must be finite and in [0, 1], got -0.1");
  refuses(ddim(1.5, 100), "sampler.eta must be finite and in [0, 1], got 1.5");
  refuses(ddim(0, 0), "sampler.steps must be finite and in [1, 1000000], got 0");
  DdimConfig c;
  c.eps = 0;
  refuses(c, "sampler.eps");
  c.eps = 1;
  refuses(c, "sampler.eps");
  c = {};
  c.condition.kind = Conditioning::Kind::Imputation;
  c.condition.imputer = Conditioning::Imputer::Replacement;
  refuses(c, "reverse_sde");
  c.condition.imputer = Conditioning::Imputer::Smc;
  refuses(c, "annealed_langevin");
  c.condition.imputer = Conditioning::Imputer::Exact;  // guidance: built
  CHECK_NOTHROW(make_sampler(c, {}, vp));
  CHECK_NOTHROW(make_sampler(ddim(0, 1), {}, vp));
  CHECK_NOTHROW(make_sampler(ddim(1, 1000000), {}, vp));
}

TEST_CASE("DDIM reports its level, its steps, and draws no random number at eta = 0") {
  const DdimConfig c = ddim(0, 7);
  auto sampler = make_sampler(c, {}, ddim_sde(SdeKind::VE));
  CHECK(sampler->total_steps() == 7);
  sampler->start(ddim_prior_points(SdeKind::VE, 64, 5));
  CHECK(sampler->level().t == 1.0);
  Rng rng(3), fresh(3);
  CHECK(sampler->step(ring8(), rng));
  CHECK(sampler->level().t == doctest::Approx(1.0 + (c.eps - 1.0) / 7).epsilon(1e-12));
  sampler->run(ring8(), rng);
  CHECK(sampler->steps_taken() == 7);
  CHECK(sampler->level().t == c.eps);  // the last step lands at eps itself
  CHECK(sampler->level().s == Sde(ddim_sde(SdeKind::VE)).level(c.eps).s);
  CHECK_FALSE(sampler->step(ring8(), rng));
  // Nothing drawn: both generators give the same next numbers, scalar and bulk.
  CHECK(rng.next_u64() == fresh.next_u64());
  Points a(2, 16), b(2, 16);
  rng.fill_normal(a);
  fresh.fill_normal(b);
  CHECK(a == b);
  // And at η = 1 the same run does draw.
  auto noisy = make_sampler(ddim(1, 7), {}, ddim_sde(SdeKind::VE));
  noisy->start(ddim_prior_points(SdeKind::VE, 64, 5));
  Rng drawn(3), untouched(3);
  noisy->run(ring8(), drawn);
  drawn.fill_normal(a);
  untouched.fill_normal(b);
  CHECK(a != b);
}

TEST_CASE("DDIM's summary names eta and the steps") {
  CHECK(sampler_summary(ddim(0.5, 100)) == "DDIM, eta 0.5, 100 steps");
  CHECK(sampler_name(DdimConfig{}) == "ddim");
}

}  // namespace ddim_tests
}  // namespace scorelab
