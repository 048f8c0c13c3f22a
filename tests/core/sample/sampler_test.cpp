// Sampler mechanics: the exact update formulas of one step, determinism, step counting and
// levels, trajectory recording, guards against NaN, configuration validation and names.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>

#include "core/common/error.h"
#include "sample_testing.h"

namespace scorelab {
namespace {

// s(x) = −x / v: the score of N(0, v I) at every level (a model that ignores the level, so the
// expected update is easy to write down).
struct LinearScore final : ScoreModel {
  double v = 2.0;
  void score(const Points& x, const NoiseLevel&, Points& out) const override {
    out = x * static_cast<float>(-1.0 / v);
  }
};

// The zero score: a flat density (the corrector's ḡ = 0 case).
struct ZeroScore final : ScoreModel {
  void score(const Points& x, const NoiseLevel&, Points& out) const override {
    out.setZero(2, x.cols());
  }
};

SdeParams sde_of(SdeKind kind, int N) {
  SdeParams p;
  p.kind = kind;
  p.N = N;
  return p;
}

// The draws a reverse-SDE sampler makes for n particles: the prior, then one noise batch.
struct Draws {
  Points x0, z;
};
Draws replay(std::uint64_t seed, Index n, const Sde& sde) {
  Rng rng(seed);
  Draws d{Points(2, n), Points(2, n)};
  sde.sample_prior(d.x0, rng);
  rng.fill_normal(d.z);
  return d;
}

// One step of `config` from the prior, against the expected x computed in double.
void check_one_step(const ReverseSdeConfig& config, const SdeParams& params,
                    const std::function<Eigen::MatrixXd(const Draws&, const Sde&)>& expected) {
  const Sde sde(params);
  const LinearScore model;
  auto sampler = make_sampler(config, {}, params);
  Rng rng(5);
  sampler->start(16, rng);
  REQUIRE(sampler->step(model, rng));
  const Draws d = replay(5, 16, sde);
  const Eigen::MatrixXd want = expected(d, sde);
  CHECK((sampler->particles().cast<double>() - want).cwiseAbs().maxCoeff() <
        1e-5 * (1 + want.cwiseAbs().maxCoeff()));
}

TEST_CASE("one reverse-SDE step is exactly the score_sde update") {
  const double v = LinearScore{}.v;
  ReverseSdeConfig c;
  c.eps = 0.2;  // grid spacing (1 − 0.2)/(N − 1) = 0.2, far from 1/N: pins the dt = −1/N quirk
  SUBCASE("Euler–Maruyama, VE: dt = −1/N, not the grid spacing") {
    check_one_step(c, sde_of(SdeKind::VE, 5), [&](const Draws& d, const Sde& sde) {
      const double g = sde.diffusion(1.0), dt = 1.0 / 5;
      const Eigen::MatrixXd x = d.x0.cast<double>();
      return Eigen::MatrixXd(x + g * g * dt * (-x / v) + g * std::sqrt(dt) * d.z.cast<double>());
    });
  }
  SUBCASE("Euler–Maruyama, VP: the drift enters with dt = −1/N") {
    check_one_step(c, sde_of(SdeKind::VP, 5), [&](const Draws& d, const Sde& sde) {
      const double g = sde.diffusion(1.0), f = sde.drift_coef(1.0), dt = 1.0 / 5;
      const Eigen::MatrixXd x = d.x0.cast<double>();
      return Eigen::MatrixXd(x - (f * x - g * g * (-x / v)) * dt +
                             g * std::sqrt(dt) * d.z.cast<double>());
    });
  }
  SUBCASE("reverse diffusion, VP: (2 − √α) x + β s + √β z") {
    c.predictor = Predictor::ReverseDiffusion;
    check_one_step(c, sde_of(SdeKind::VP, 50), [&](const Draws& d, const Sde& sde) {
      const double beta = sde.discrete_beta(49);
      const Eigen::MatrixXd x = d.x0.cast<double>();
      return Eigen::MatrixXd((2 - std::sqrt(1 - beta)) * x + beta * (-x / v) +
                             std::sqrt(beta) * d.z.cast<double>());
    });
  }
  SUBCASE("ancestral, VE") {
    c.predictor = Predictor::Ancestral;
    check_one_step(c, sde_of(SdeKind::VE, 5), [&](const Draws& d, const Sde& sde) {
      const double s2 = std::pow(sde.discrete_sigma(4), 2), p2 = std::pow(sde.discrete_sigma(3), 2);
      const Eigen::MatrixXd x = d.x0.cast<double>();
      return Eigen::MatrixXd(x + (s2 - p2) * (-x / v) +
                             std::sqrt(p2 * (s2 - p2) / s2) * d.z.cast<double>());
    });
  }
  SUBCASE("ancestral, VP") {
    c.predictor = Predictor::Ancestral;
    check_one_step(c, sde_of(SdeKind::VP, 50), [&](const Draws& d, const Sde& sde) {
      const double beta = sde.discrete_beta(49);
      const Eigen::MatrixXd x = d.x0.cast<double>();
      return Eigen::MatrixXd((x + beta * (-x / v)) / std::sqrt(1 - beta) +
                             std::sqrt(beta) * d.z.cast<double>());
    });
  }
  SUBCASE("Langevin corrector: one step size from batch-mean norms") {
    c.predictor = Predictor::None;
    c.corrector = Corrector::Langevin;
    c.snr = 0.16;
    check_one_step(c, sde_of(SdeKind::VP, 50), [&](const Draws& d, const Sde& sde) {
      const Eigen::MatrixXd x = d.x0.cast<double>(), z = d.z.cast<double>(), s = -x / v;
      const double g_bar = s.colwise().norm().mean(), n_bar = z.colwise().norm().mean();
      const double a = 1 - sde.discrete_beta(49);
      const double eps = 2 * a * std::pow(0.16 * n_bar / g_bar, 2);
      return Eigen::MatrixXd(x + eps * s + std::sqrt(2 * eps) * z);
    });
  }
}

TEST_CASE("the last reverse-SDE step returns x_mean when denoising") {
  // With a zero score the VE predictor's x_mean is x itself: denoised particles stay at the prior.
  ReverseSdeConfig c;
  const SdeParams p = sde_of(SdeKind::VE, 3);
  for (bool denoise : {true, false}) {
    c.denoise = denoise;
    auto sampler = make_sampler(c, {}, p);
    Rng rng(8);
    sampler->start(32, rng);
    const Points x0 = sampler->particles();
    sampler->step(ZeroScore{}, rng);
    sampler->step(ZeroScore{}, rng);
    const Points before_last = sampler->particles();
    sampler->step(ZeroScore{}, rng);
    CHECK(sampler->finished());
    CHECK((sampler->particles() == before_last) == denoise);
    CHECK((before_last != x0));  // earlier steps do add noise
  }
}

TEST_CASE("the Langevin corrector takes no step on a flat density instead of NaN") {
  ReverseSdeConfig c;
  c.predictor = Predictor::None;
  c.corrector = Corrector::Langevin;
  auto sampler = make_sampler(c, {}, sde_of(SdeKind::VE, 4));
  Rng rng(9);
  sampler->start(64, rng);
  const Points x0 = sampler->particles();
  sampler->run(ZeroScore{}, rng);
  CHECK(sampler->particles().allFinite());
  CHECK(sampler->particles() == x0);
}

// One configuration of every sampler family (small, fast runs).
std::vector<SamplerConfig> every_sampler() {
  LangevinConfig lan;
  lan.steps = 20;
  AnnealedLangevinConfig ald;
  ald.steps_per_level = 3;
  ReverseSdeConfig em, pc;
  pc.predictor = Predictor::ReverseDiffusion;
  pc.corrector = Corrector::Langevin;
  ProbabilityFlowConfig rk45, heun;
  heun.method = OdeMethod::Heun;
  heun.steps = 10;
  heun.denoise = true;
  return {lan, ald, em, pc, rk45, heun};
}

Points run_all(const SamplerConfig& config, std::uint64_t seed) {
  auto sampler = make_sampler(config, {}, sde_of(SdeKind::VE, 50));
  Rng rng(seed);
  sampler->start(500, rng);
  sampler->run(ring8(), rng);
  return sampler->particles();
}

TEST_CASE("same seed, same particles bit for bit — another seed, other particles") {
  for (const SamplerConfig& c : every_sampler()) {
    CAPTURE(sampler_name(c));
    const Points a = run_all(c, 21), b = run_all(c, 21), other = run_all(c, 22);
    CHECK(a.allFinite());
    CHECK((a.array() == b.array()).all());
    CHECK((a.array() != other.array()).any());
  }
}

TEST_CASE("step counts, finishing and levels") {
  const GaussianMixture gm = ring8();
  Rng rng(1);
  SUBCASE("step() before start() does nothing") {
    auto s = make_sampler(LangevinConfig{}, {}, {});
    CHECK_FALSE(s->step(gm, rng));
  }
  SUBCASE("annealed Langevin: L·T steps, one denoising step, levels from the schedule") {
    AnnealedLangevinConfig c;
    c.steps_per_level = 4;
    SigmaSchedule schedule;
    schedule.levels = 5;
    auto s = make_sampler(c, schedule, {});
    CHECK(s->total_steps() == 21);
    s->start(10, rng);
    for (int i = 0; i < 5; ++i)
      for (int k = 0; k < 4; ++k) {
        REQUIRE(s->step(gm, rng));
        const NoiseLevel want = schedule.level(i), got = s->level();
        CHECK(got.s == want.s);
        CHECK(got.t == want.t);
      }
    CHECK_FALSE(s->finished());
    CHECK(s->step(gm, rng));
    CHECK(s->finished());
    CHECK(s->level().s == 0.0);
    const Points done = s->particles();
    CHECK_FALSE(s->step(gm, rng));
    CHECK(s->particles() == done);
    CHECK(s->steps_taken() == 21);
  }
  SUBCASE("reverse SDE: N steps, from t = 1 down to the data") {
    auto s = make_sampler(ReverseSdeConfig{}, {}, sde_of(SdeKind::VE, 30));
    CHECK(s->total_steps() == 30);
    s->start(10, rng);
    CHECK(s->level().t == 1.0);
    s->run(gm, rng);
    CHECK(s->steps_taken() == 30);
    CHECK(s->level().t == 0.0);
  }
  SUBCASE("RK45: unknown step count, ends at t_end, then one denoising step") {
    ProbabilityFlowConfig c;
    c.denoise = true;
    auto s = make_sampler(c, {}, sde_of(SdeKind::VE, 1000));
    CHECK(s->total_steps() == -1);
    s->start(10, rng);
    while (s->level().t != c.t_end) REQUIRE(s->step(gm, rng));
    CHECK_FALSE(s->finished());
    CHECK(s->step(gm, rng));
    CHECK(s->finished());
    CHECK(s->level().s == 0.0);
  }
}

TEST_CASE("trajectories keep the newest frames of the tracked particles") {
  LangevinConfig c;
  c.steps = 10;
  auto s = make_sampler(c, {}, {});
  s->record_trajectories(3, 4);
  Rng rng(2);
  s->start(20, rng);
  std::vector<Points> seen{s->particles().leftCols(3)};
  while (s->step(ring8(), rng)) seen.push_back(s->particles().leftCols(3));
  const TrajectoryBuffer& t = s->trajectories();
  REQUIRE(t.size() == 4);
  REQUIRE(seen.size() == 11);  // the start and 10 steps
  for (Index k = 0; k < 4; ++k) CHECK(t.frame(k) == seen[7 + k]);
  SUBCASE("a restart clears them") {
    s->start(2, rng);  // fewer particles than tracked: tracks what there is
    CHECK(s->trajectories().size() == 1);
    CHECK(s->trajectories().tracked() == 2);
  }
}

TEST_CASE("TrajectoryBuffer is a bounded ring, oldest to newest") {
  TrajectoryBuffer b(2, 3);
  Points x(2, 5);
  for (int i = 0; i < 7; ++i) {
    x.setConstant(static_cast<float>(i));
    b.record(x);
    CHECK(b.size() == std::min(i + 1, 3));
    CHECK(b.frame(b.size() - 1)(0, 0) == i);  // newest last
  }
  CHECK(b.capacity() == 3);
  for (Index k = 0; k < 3; ++k) {
    CHECK(b.frame(k).cols() == 2);
    CHECK(b.frame(k)(1, 1) == 4 + k);
  }
  b.clear();
  CHECK(b.size() == 0);
  TrajectoryBuffer none(5, 0);
  none.record(x);
  CHECK(none.size() == 0);
}

// make_sampler must reject `config` with an InputError whose message names `field`.
void check_rejected(const SamplerConfig& config, const std::string& field,
                    const SdeParams& sde = {}) {
  CAPTURE(field);
  try {
    make_sampler(config, {}, sde);
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(field) != std::string::npos);
  }
}

TEST_CASE("invalid configurations are rejected naming the field") {
  const double nan = std::nan("");
  LangevinConfig lan;
  lan.step_size = 0;
  check_rejected(lan, "sampler.step_size");
  lan.step_size = nan;
  check_rejected(lan, "sampler.step_size");
  lan = {};
  lan.steps = 0;
  check_rejected(lan, "sampler.steps");
  lan = {};
  lan.sigma = -1;
  check_rejected(lan, "sampler.sigma");
  lan = {};
  lan.init.lo = 3;
  lan.init.hi = 3;
  check_rejected(lan, "sampler.init");
  lan = {};
  lan.init.kind = InitialDistribution::Kind::Gaussian;
  lan.init.std = 0;
  check_rejected(lan, "sampler.init.std");

  AnnealedLangevinConfig ald;
  ald.epsilon = -1e-3;
  check_rejected(ald, "sampler.epsilon");
  ald = {};
  ald.steps_per_level = 0;
  check_rejected(ald, "sampler.steps_per_level");

  ReverseSdeConfig rs;
  rs.snr = 0;
  check_rejected(rs, "sampler.snr");
  rs = {};
  rs.eps = 1.0;
  check_rejected(rs, "sampler.eps");
  rs = {};
  rs.eps = 0.0;
  check_rejected(rs, "sampler.eps");
  rs = {};
  rs.corrector_steps = 0;
  check_rejected(rs, "sampler.corrector_steps");
  rs = {};
  rs.predictor = Predictor::None;
  check_rejected(rs, "sampler.predictor");
  rs = {};
  rs.predictor = Predictor::Ancestral;
  check_rejected(rs, "ancestral", sde_of(SdeKind::SubVP, 100));

  ProbabilityFlowConfig pf;
  pf.steps = 0;
  check_rejected(pf, "sampler.steps");
  pf = {};
  pf.rtol = 0;
  check_rejected(pf, "sampler.rtol");
  pf = {};
  pf.atol = -1;
  check_rejected(pf, "sampler.atol");
  pf = {};
  pf.t_start = 1.5;
  check_rejected(pf, "sampler.t_start");
  pf = {};
  pf.t_end = pf.t_start;
  check_rejected(pf, "sampler.t_end");
  pf = {};
  pf.t_start = 0.0;
  pf.t_end = 1.0;
  pf.denoise = true;
  check_rejected(pf, "sampler.denoise");
  check_rejected(ReverseSdeConfig{}, "noise.sde.N", sde_of(SdeKind::VE, 0));
  rs = {};
  rs.predictor = Predictor::ReverseDiffusion;
  check_rejected(rs, "noise.sde.N", sde_of(SdeKind::VP, 20));  // β_i = 20/20 = 1: √(1 − β) = 0
}

TEST_CASE("names round-trip and unknown names list the allowed ones") {
  for (Predictor p : {Predictor::EulerMaruyama, Predictor::ReverseDiffusion, Predictor::Ancestral,
                      Predictor::None})
    CHECK(enum_from_string<Predictor>(to_string(p)) == p);
  for (Corrector c : {Corrector::None, Corrector::Langevin})
    CHECK(enum_from_string<Corrector>(to_string(c)) == c);
  for (OdeMethod m : {OdeMethod::Euler, OdeMethod::Heun, OdeMethod::Rk4, OdeMethod::Rk45})
    CHECK(enum_from_string<OdeMethod>(to_string(m)) == m);
  CHECK(to_string(Predictor::EulerMaruyama) == "euler_maruyama");
  CHECK(to_string(OdeMethod::Rk45) == "rk45");
  CHECK(sampler_name(AnnealedLangevinConfig{}) == "annealed_langevin");
  CHECK(sampler_name(ProbabilityFlowConfig{}) == "probability_flow");
  try {
    enum_from_string<Predictor>("euler");
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("euler_maruyama, reverse_diffusion, ancestral, none") !=
          std::string::npos);
  }
  CHECK_THROWS_AS(enum_from_string<Corrector>("ald"), InputError);
  CHECK_THROWS_AS(enum_from_string<OdeMethod>("dopri5"), InputError);
}

}  // namespace
}  // namespace scorelab
