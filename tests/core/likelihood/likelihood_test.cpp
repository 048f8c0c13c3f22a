// The probability-flow log-likelihood against closed forms: a single Gaussian (the ODE's exact
// solution is known, so the prior mismatch is computed, not bounded), Gaussian mixtures under VE
// and VP (the exact p_T at the flow's end isolates the ODE's error), Hutchinson's estimate
// (unbiased within its standard error), a learned score after short training, progress / cancel,
// and bad requests.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/distributions/empirical_mixture.h"
#include "core/distributions/gaussian_mixture.h"
#include "core/likelihood/encoding.h"
#include "core/likelihood/likelihood.h"
#include "core/nn/learned_score.h"
#include "core/train/recipes.h"
#include "core/train/training_session.h"

using namespace scorelab;

namespace {

// A mixture with unequal weights and full, anisotropic covariances (the hard case for tr J).
GaussianMixture three_components() {
  GaussianComponent a, b, c;
  a.weight = 0.5, a.mean = {-2.0, 0.5}, a.cov << 0.3, 0.1, 0.1, 0.2;
  b.weight = 0.3, b.mean = {2.0, 1.0}, b.cov << 0.5, -0.2, -0.2, 0.4;
  c.weight = 0.2, c.mean = {0.0, -2.0}, c.cov << 0.1, 0.0, 0.0, 0.6;
  return GaussianMixture({a, b, c});
}

// log p_T(x_T) of the mixture's exact marginal at T (double).
ValuesT<double> exact_log_pT(const GaussianMixture& gmm, const Sde& sde, const PointsT<double>& xT) {
  ValuesT<double> out;
  gmm.evaluate<double>(xT, sde.level(Sde::T), &out, nullptr, nullptr);
  return out;
}

ValuesT<double> exact_log_p(const GaussianMixture& gmm, const Sde& sde, double t, const Points& x) {
  ValuesT<double> out;
  gmm.evaluate<double>(x.cast<double>(), sde.level(t), &out, nullptr, nullptr);
  return out;
}

}  // namespace

// Single Gaussian N(μ, s0² I) under VE: the flow is x(T) = μ + (x − μ)·√((s0² + σ_max²)/(s0² +
// σ(eps)²)) (SCORE_SPEC §6), so the prior mismatch log N(x(T); 0, σ_max²) − log p_T(x(T)) is known
// exactly. The ODE answer must equal log p_eps(x) + that mismatch; tolerance 1e-4 nats (RK45 at
// 1e-5 and the float score; measured max error ~1e-6).
TEST_CASE("single Gaussian, VE: the ODE log-likelihood is the closed form plus the prior mismatch") {
  const double s0 = 0.7;
  GaussianComponent c;
  c.mean = {1.0, -0.5};
  c.cov = s0 * s0 * Eigen::Matrix2d::Identity();
  const GaussianMixture gmm({c});
  const Sde sde(SdeParams{SdeKind::VE, 0.01, 10.0, 0.1, 20.0, 1000});
  Rng rng(3);
  Points x;
  gmm.sample(200, rng, x);
  LikelihoodOptions o;
  Values log_p;
  FlowEnd end;
  REQUIRE(log_likelihood(gmm, sde, x, o, log_p, nullptr, {}, nullptr, &end));

  const double var_eps = s0 * s0 + std::pow(sde.level(o.eps).s, 2);
  const double var_T = s0 * s0 + std::pow(sde.level(1.0).s, 2);
  const ValuesT<double> closed = exact_log_p(gmm, sde, o.eps, x);
  double max_err = 0, max_mismatch = 0;
  for (Index i = 0; i < x.cols(); ++i) {
    const Eigen::Vector2d d = x.col(i).cast<double>() - c.mean;
    const Eigen::Vector2d xT = c.mean + d * std::sqrt(var_T / var_eps);
    // The flow's end matches the exact solution (data units).
    CHECK((end.x.col(i) - xT).norm() < 1e-3);
    const double prior = -std::log(2 * std::numbers::pi * 100.0) - xT.squaredNorm() / 200.0;
    const double true_T = -std::log(2 * std::numbers::pi * var_T) - (xT - c.mean).squaredNorm() / (2 * var_T);
    const double mismatch = prior - true_T;
    max_mismatch = std::max(max_mismatch, std::abs(mismatch));
    max_err = std::max(max_err, std::abs(log_p[i] - (closed[i] + mismatch)));
  }
  MESSAGE("single Gaussian VE: max |error| " << max_err << " nats, max |prior mismatch| "
                                             << max_mismatch << " nats");
  CHECK(max_err < 1e-4);
  CHECK(max_mismatch > 1e-3);  // σ_max = 10 is not ≫ the data: the correction is really needed
}

// Mixtures under VE (σ_max = 50, the spec's value) and VP, exact score and divergence, RK45 at
// rtol = atol = 1e-5: log p_T^exact(x(T)) + Δ(T) equals the closed-form log p_eps(x) within 1e-3
// nats (the bound; measured 0.6–1.5e-4 with per-point error control, 3e-3–8e-3 with the
// reference's batch-RMS control). For VP / sub-VP log_p itself (with the prior N(0, I)) is also
// checked, against the prior mismatch's size.
TEST_CASE("mixtures under VE and VP: ODE log-likelihood matches the closed form within 1e-3 nats") {
  const struct {
    const char* name;
    GaussianMixture gmm;
    SdeParams sde;
  } cases[] = {
      {"ring8 VE", ring8(), {SdeKind::VE, 0.01, 50.0, 0.1, 20.0, 1000}},
      {"ring8 VP", ring8(), {SdeKind::VP, 0.01, 50.0, 0.1, 20.0, 1000}},
      {"three VE", three_components(), {SdeKind::VE, 0.01, 50.0, 0.1, 20.0, 1000}},
      {"three VP", three_components(), {SdeKind::VP, 0.01, 50.0, 0.1, 20.0, 1000}},
      {"three subVP", three_components(), {SdeKind::SubVP, 0.01, 50.0, 0.1, 20.0, 1000}},
  };
  for (const auto& tc : cases) {
    CAPTURE(tc.name);
    const Sde sde(tc.sde);
    Rng rng(11);
    Points x;
    tc.gmm.sample(300, rng, x);
    LikelihoodOptions o;
    o.eps = tc.sde.kind == SdeKind::VE ? 1e-5 : 1e-3;  // the reference's sampling eps
    Values log_p;
    FlowEnd end;
    LikelihoodStats stats;
    REQUIRE(log_likelihood(tc.gmm, sde, x, o, log_p, nullptr, {}, &stats, &end));
    const ValuesT<double> closed = exact_log_p(tc.gmm, sde, o.eps, x);
    const ValuesT<double> ode = exact_log_pT(tc.gmm, sde, end.x) + end.delta;
    const double err = (ode - closed).cwiseAbs().maxCoeff();
    const double prior_err = (log_p.cast<double>() - closed).cwiseAbs().maxCoeff();
    MESSAGE(std::string(tc.name) << ": max |ODE − closed| " << err << " nats; with the prior " << prior_err
                    << "; " << stats.evaluations << " evaluations");
    CHECK(err < 1e-3);
    // The prior mismatch itself (log N(x(T); 0, I) vs the exact p_T) for VP / sub-VP is small but
    // not below 1e-3: measured 1.8e-3 (ring8) and 9e-3 nats (three components, whose mean is off
    // the origin). Bounded here at 0.02 nats so a wrong prior would still fail.
    if (tc.sde.kind != SdeKind::VE) CHECK(prior_err < 0.02);
  }
}

// A score with no log-density (s = −x, the standard normal's): log_p_T has no exact p_T from it.
struct NoDensity final : ScoreModel {
  void score(const Points& x, const NoiseLevel&, Points& out) const override { out = -x; }
};

// One solver: the float entry widens the points, calls the double one and rounds log p, so the
// two agree bit for bit (after rounding); log p is log_p_T (the SDE's prior) + Δ exactly, and
// log_p_T with an exact model is that model's double log-density at level(T).
TEST_CASE("the double entry is the solver, and log_p_T gives the prior or the exact p_T") {
  const GaussianMixture gmm = three_components();
  const Sde sde(SdeParams{SdeKind::VE, 0.01, 10.0, 0.1, 20.0, 1000});
  Rng rng(6);
  Points x;
  gmm.sample(40, rng, x);
  LikelihoodOptions o;
  Values lp_float;
  ValuesT<double> lp_double;
  FlowEnd end_float, end_double;
  REQUIRE(log_likelihood(gmm, sde, x, o, lp_float, nullptr, {}, nullptr, &end_float));
  REQUIRE(log_likelihood(gmm, sde, x.cast<double>().eval(), o, lp_double, nullptr, {}, nullptr,
                         &end_double));
  CHECK((lp_float.array() == lp_double.cast<float>().array()).all());
  CHECK((end_float.x.array() == end_double.x.array()).all());
  CHECK((end_float.delta.array() == end_double.delta.array()).all());
  CHECK(((log_p_T(sde, end_double.x) + end_double.delta).array() == lp_double.array()).all());
  ValuesT<double> want;
  gmm.evaluate<double>(end_double.x, sde.level(Sde::T), &want, nullptr, nullptr);
  CHECK((log_p_T(sde, end_double.x, &gmm).array() == want.array()).all());
  // The model's double log_density capability is the same evaluation.
  ValuesT<double> via_model;
  static_cast<const ScoreModel&>(gmm).log_density(end_double.x, sde.level(Sde::T), via_model);
  CHECK((via_model.array() == want.array()).all());
  const NoDensity none;
  CHECK_THROWS_AS(log_p_T(sde, end_double.x, &none), InputError);
}

// Fixed-step RK4 (the option): 200 steps reach the same answer within 1e-3 nats on ring8 VP
// (measured 1.4e-4).
TEST_CASE("fixed-step RK4 agrees with RK45") {
  const GaussianMixture gmm = ring8();
  const Sde sde(SdeParams{SdeKind::VP, 0.01, 50.0, 0.1, 20.0, 1000});
  Rng rng(2);
  Points x;
  gmm.sample(100, rng, x);
  LikelihoodOptions o;
  o.eps = 1e-3;
  Values a, b;
  REQUIRE(log_likelihood(gmm, sde, x, o, a));
  o.method = OdeMethod::Rk4;
  o.steps = 200;
  REQUIRE(log_likelihood(gmm, sde, x, o, b));
  const double err = (a - b).cwiseAbs().maxCoeff();
  MESSAGE("RK4 200 steps vs RK45: max diff " << err << " nats");
  CHECK(err < 1e-3);
}

// Hutchinson: the same point 4,000 times, each copy with its own probe held over the solve. The
// mean of the estimates is within 4 standard errors of the exact-divergence answer (a false
// failure has probability ~6e-5), and the spread is real (the estimator has variance).
TEST_CASE("Hutchinson's estimate is unbiased within its standard error, and noisy") {
  const GaussianMixture gmm = three_components();
  const Sde sde(SdeParams{SdeKind::VE, 0.01, 20.0, 0.1, 20.0, 1000});
  const Index n = 4000;
  Points x(2, n);
  x.row(0).setConstant(0.3f);  // between the components: J has large off-diagonal terms
  x.row(1).setConstant(0.2f);
  LikelihoodOptions o;
  Values exact;
  REQUIRE(log_likelihood(gmm, sde, x.leftCols(1), o, exact));
  for (ProbeKind probe : {ProbeKind::Rademacher, ProbeKind::Gaussian}) {
    CAPTURE(to_string(probe));
    o.divergence = DivergenceMethod::Hutchinson;
    o.probe = probe;
    o.chunk = 1000;
    Rng rng(17);
    Values est;
    REQUIRE(log_likelihood(gmm, sde, x, o, est, &rng));
    const double mean = est.cast<double>().mean();
    const double sd = std::sqrt((est.cast<double>().array() - mean).square().sum() / (n - 1));
    const double se = sd / std::sqrt(double(n));
    MESSAGE(to_string(probe) << ": exact " << exact[0] << ", Hutchinson mean " << mean << " ± "
                            << se << " (sd per estimate " << sd << ")");
    CHECK(std::abs(mean - exact[0]) < 4 * se);
    CHECK(sd > 0.05);
  }
}

TEST_CASE("progress reaches 1 in order, and the cancel flag stops the run") {
  const GaussianMixture gmm = ring8();
  const Sde sde(SdeParams{});
  Rng rng(1);
  Points x;
  gmm.sample(500, rng, x);
  LikelihoodOptions o;
  o.chunk = 100;
  // One thread: the calls then come only after the calling thread's steps, so their number is the
  // same in both runs (with helper threads the caller also reports every 20 ms while they finish,
  // a count that depends on the machine's timing).
  o.threads = 1;
  std::vector<double> seen;
  LikelihoodControl control;
  control.progress = [&](double f) { seen.push_back(f); };
  Values log_p;
  REQUIRE(log_likelihood(gmm, sde, x, o, log_p, nullptr, control));
  REQUIRE(seen.size() > 5);
  for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i] >= seen[i - 1]);
  CHECK(seen.back() == 1.0);

  std::atomic<bool> cancel{false};
  int calls = 0;
  control.cancel = &cancel;
  control.progress = [&](double f) {
    ++calls;
    if (f > 0.3) cancel = true;
  };
  CHECK_FALSE(log_likelihood(gmm, sde, x, o, log_p, nullptr, control));
  CHECK(calls < static_cast<int>(seen.size()));

  // With helper threads too, a raised flag stops the run (raised before it starts: when a helper
  // finishes its chunks before the caller's next check is a matter of timing).
  o.threads = 2;
  cancel = true;
  CHECK_FALSE(log_likelihood(gmm, sde, x, o, log_p, nullptr, control));
}

TEST_CASE("bad requests are refused with a message") {
  const GaussianMixture gmm = ring8();
  const Sde sde(SdeParams{});
  Points x(2, 3);
  x << 0, 1, NAN, 0, 1, 2;
  Values log_p;
  CHECK_THROWS_WITH_AS(log_likelihood(gmm, sde, x, {}, log_p), "point 2 is not finite (NaN or infinity)",
                       InputError);
  LikelihoodOptions o;
  o.eps = 0;
  CHECK_THROWS_AS(log_likelihood(gmm, sde, x.leftCols(2), o, log_p), InputError);
  // The empirical mixture has an exact divergence but no Jacobian-vector product.
  Points data(2, 4);
  data << 0, 1, 2, 3, 0, 1, 0, 1;
  const EmpiricalMixture emp(data);
  o = {};
  o.divergence = DivergenceMethod::Hutchinson;
  Rng rng(1);
  CHECK_THROWS_AS(log_likelihood(emp, sde, x.leftCols(2), o, log_p, &rng), InputError);
  o.divergence = DivergenceMethod::Exact;
  CHECK(log_likelihood(emp, sde, x.leftCols(2), o, log_p));
  CHECK(log_p.allFinite());
}

// The learned score after short training: ring8 under VP (β 0.1 … 20), the default VP network,
// continuous DSM, Adam lr 3e-3, batch 256, 2,000 steps, seed 1, EMA weights; NLL of 300 data
// draws at eps = 1e-3 (RK45, 1e-5). Measured on the development machine (AVX-512): learned 2.60
// nats, exact 2.45 (gap 0.15; 0.07 after 3,000 steps, 0.24 after 1,500). Kept margin: 0.4 nats.
// Under VE the same budget is far off (5.5 vs 2.5 nats: the learned score below σ ≈ 0.1 is poor
// and the flow there is stiff), which is why the test uses VP.
// The Release tree runs these numerics (~2–4 s); sanitizer trees (SCORELAB_RELEASE_NUMERICS = 0)
// run the same path with 100 steps and 20 points and check only that it completes finitely.
// Small chunks (each its own RK45 step size) against one system for the whole batch (the step
// its hardest point needs): at rtol = atol = 1e-5 both are within 1e-3 nats of the closed form
// (the mixture test above), so they agree within 1e-3 nats (measured below; at 1e-4 the global
// error of either reaches 5e-3 nats on ring8, at 1e-3 0.02). The thread count changes nothing, bit for bit: the
// chunks are fixed by the options and each point's answer depends only on its chunk. The learned
// score is an untrained network (30 steps): the check is of the solver, not of the training.
TEST_CASE("chunked RK45 agrees with one batch system, and threads do not change the result") {
  TrainConfig cfg;
  cfg.sde = {SdeKind::VP, 0.01, 10.0, 0.1, 20.0, 1000};
  cfg.model = default_model_for(SdeKind::VP);
  cfg.seed = 4;
  const GaussianMixture gmm = ring8();
  TrainingSession session(cfg, [gmm](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); });
  for (int i = 0; i < 30; ++i) session.step();
  const LearnedScore learned(session.snapshot(), /*use_ema=*/false);
  const Sde sde(cfg.sde);
  Rng rng(8);
  Points x;
  gmm.sample(150, rng, x);
  for (const ScoreModel* model : {static_cast<const ScoreModel*>(&gmm),
                                  static_cast<const ScoreModel*>(&learned)}) {
    LikelihoodOptions o;
    o.eps = 1e-3;
    o.chunk = 1000, o.threads = 1;
    Values batch, one, three;
    LikelihoodStats batch_stats, chunk_stats;
    REQUIRE(log_likelihood(*model, sde, x, o, batch, nullptr, {}, &batch_stats));
    o.chunk = 8;
    REQUIRE(log_likelihood(*model, sde, x, o, one, nullptr, {}, &chunk_stats));
    o.threads = 3;
    REQUIRE(log_likelihood(*model, sde, x, o, three));
    const double diff = (batch - one).cwiseAbs().maxCoeff();
    MESSAGE("chunks of 8 vs one system: max diff " << diff << " nats; evaluations × points "
                                                  << chunk_stats.evaluations * 8 << " vs "
                                                  << batch_stats.evaluations * 150);
    CHECK(diff < 1e-3);
    CHECK((one.array() == three.array()).all());
  }
}

TEST_CASE("learned score on the 8-Gaussian ring: NLL within 0.4 nats of the exact NLL") {
  const GaussianMixture gmm = ring8();
  const TrainConfig cfg = ring8_vp_likelihood_recipe();  // the likelihood_learned bench's model
  TrainingSession session(cfg, [gmm](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); });
  const bool full = SCORELAB_RELEASE_NUMERICS;
  for (int i = 0; i < (full ? 2000 : 100); ++i) session.step();
  REQUIRE(session.warning().empty());
  const LearnedScore learned(session.snapshot(), /*use_ema=*/true);
  const Sde sde(cfg.sde);
  Rng rng(5);
  Points x;
  gmm.sample(full ? 300 : 20, rng, x);
  LikelihoodOptions o;
  o.eps = 1e-3;
  Values lp_learned, lp_exact;
  REQUIRE(log_likelihood(learned, sde, x, o, lp_learned));
  REQUIRE(log_likelihood(gmm, sde, x, o, lp_exact));
  REQUIRE(lp_learned.allFinite());
  const double nll_learned = mean_nll(lp_learned), nll_exact = mean_nll(lp_exact);
  MESSAGE("NLL learned " << nll_learned << " nats, exact " << nll_exact);
  if (full) CHECK(std::abs(nll_learned - nll_exact) < 0.4);
}

// The Jacobian-vector products Hutchinson uses: e_xᵀ J e_x + e_yᵀ J e_y is the exact divergence
// (mixture: closed-form Hessian; MLP: forward tangents), and J v matches a central difference of
// the score in double (mixture) within 1e-3 relative.
TEST_CASE("jvp agrees with the divergence and with a finite difference of the score") {
  const GaussianMixture gmm = three_components();
  TrainConfig cfg;
  cfg.model = default_model_for(SdeKind::VE);
  TrainingSession session(cfg, [](Index, Rng&, Points&) {});
  const LearnedScore mlp(session.snapshot(), /*use_ema=*/false);
  Rng rng(4);
  Points x(2, 64);
  rng.fill_normal(x);
  x *= 2.0f;
  const NoiseLevel lv = NoiseLevel::sigma(0.5);
  Points ex(2, 64), ey(2, 64);
  ex.row(0).setOnes(), ex.row(1).setZero();
  ey.row(0).setZero(), ey.row(1).setOnes();
  for (const ScoreModel* m : {static_cast<const ScoreModel*>(&gmm), static_cast<const ScoreModel*>(&mlp)}) {
    REQUIRE(m->has_jvp());
    Points jx, jy;
    Values div;
    m->jvp(x, lv, ex, jx);
    m->jvp(x, lv, ey, jy);
    m->divergence(x, lv, div);
    const Values trace = (jx.row(0) + jy.row(1)).transpose();
    CHECK((trace - div).cwiseAbs().maxCoeff() <= 1e-4f * (1.0f + div.cwiseAbs().maxCoeff()));
  }
  Points v(2, 64), jv;
  rng.fill_normal(v);
  gmm.jvp(x, lv, v, jv);
  const double h = 1e-4;
  PointsT<double> sp, sm;
  gmm.evaluate<double>(x.cast<double>() + h * v.cast<double>(), lv, nullptr, &sp, nullptr);
  gmm.evaluate<double>(x.cast<double>() - h * v.cast<double>(), lv, nullptr, &sm, nullptr);
  const PointsT<double> fd = (sp - sm) / (2 * h);
  CHECK((jv.cast<double>() - fd).cwiseAbs().maxCoeff() <= 1e-3 * (1.0 + fd.cwiseAbs().maxCoeff()));
}

TEST_CASE("the MLP's fused score_and_divergence equals score() and divergence()") {
  TrainConfig cfg;
  cfg.model = default_model_for(SdeKind::VP);
  TrainingSession session(cfg, [](Index, Rng&, Points&) {});
  const LearnedScore mlp(session.snapshot(), /*use_ema=*/false);
  Rng rng(8);
  Points x(2, 1500);  // more than one 1024-point chunk
  rng.fill_normal(x);
  const NoiseLevel lv{0.3, 0.7, 0.7};
  Points s1, s2;
  Values d1, d2;
  mlp.score(x, lv, s1);
  mlp.divergence(x, lv, d1);
  mlp.score_and_divergence(x, lv, s2, d2);
  CHECK((s1 - s2).cwiseAbs().maxCoeff() <= 1e-6f * (1.0f + s1.cwiseAbs().maxCoeff()));
  CHECK((d1 - d2).cwiseAbs().maxCoeff() <= 1e-6f * (1.0f + d1.cwiseAbs().maxCoeff()));
}

// Encoding: the exact ring8 score's flow carries data points to codes spread like the prior
// (N(0, I) under VP: their mean square per coordinate near 1) and back to the points. The round
// trip's largest error is bounded at 1e-2 data units at rtol = atol = 1e-5 (measured below); the
// codes' endpoints agree with the likelihood's FlowEnd (same ODE, its [x; Δ] system).
TEST_CASE("encoding: codes reach the prior and decode back to the points") {
  const GaussianMixture gmm = ring8();
  const Sde sde(SdeParams{SdeKind::VP, 0.01, 10.0, 0.1, 20.0, 1000});
  Rng rng(9);
  Points x;
  gmm.sample(200, rng, x);
  PointsT<double> codes, back;
  encode(gmm, sde, x, 1e-3, 1e-5, codes);
  decode(gmm, sde, codes, 1e-3, 1e-5, back);
  const double err = (back - x.cast<double>()).colwise().norm().maxCoeff();
  const double ms = codes.squaredNorm() / double(codes.size());
  MESSAGE("round trip max error " << err << ", codes' mean square " << ms);
  CHECK(err < 1e-2);
  CHECK(ms > 0.7);
  CHECK(ms < 1.3);
  Points bad = x.leftCols(2);
  bad(0, 1) = NAN;
  CHECK_THROWS_AS(encode(gmm, sde, bad, 1e-3, 1e-5, codes), InputError);
}
