// Flow matching on the straight path (issue 26; SCORE_SPEC §9.3): the velocity output and the
// flow-matching objective.
//  - the objective's gradient equals finite differences (double), its target is z − x₀ and its
//    per-sample loss is ½‖v̂ − (z − x₀)‖²;
//  - the velocity network answers its output as the velocity and −(x + (1 − t) v)/t as the score;
//  - the pairings are refused with the fields named (the straight path trains a velocity network
//    by flow matching; the velocity output holds on the straight path only);
//  - a learned model's samples, drawn by the ODE on its velocity, pass the energy test on ring8 and
//    on two held-out anisotropic mixtures within a fixed step budget.
//
// Under the sanitizers (SCORELAB_SANITIZED) the learned-model case runs a short budget and checks
// only that everything is finite: the memory paths are the same; the statistics need Release.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/distributions/datasets.h"
#include "core/nn/learned_score.h"
#include "core/sample/sampler_registry.h"
#include "core/train/objective.h"
#include "core/train/quality.h"
#include "core/train/training_session.h"
#include "energy_runs.h"

using namespace scorelab;

namespace {

#ifdef SCORELAB_SANITIZED
constexpr bool kFlowStatistics = false;
constexpr long kFlowSteps = 60;
constexpr Index kFlowParticles = 200;
constexpr int kFlowPairs = 3;
#else
constexpr bool kFlowStatistics = true;
constexpr long kFlowSteps = 4000;
constexpr Index kFlowParticles = 2000;
constexpr int kFlowPairs = 40;
#endif

SdeParams straight_path() {
  SdeParams p;
  p.kind = SdeKind::RectifiedFlow;
  return p;
}

MlpT<double> small_velocity_net(Eigen::VectorXd& params) {
  MlpConfig cfg;
  cfg.width = 8;
  cfg.depth = 2;
  cfg.embedding = {EmbeddingKind::FourierLogSigma, 4, 2.0};
  cfg.output = OutputScaling::Velocity;
  Rng rng(3);
  MlpT<double> mlp(cfg, NoiseEmbedding(cfg.embedding, rng));
  mlp.init_params(params, rng);
  return mlp;
}

ObjectiveConfig flow_matching() {
  ObjectiveConfig o;
  o.kind = ObjectiveKind::FlowMatching;
  return o;
}

}  // namespace

// Relative error of the analytic gradient vs central differences (h = 1e-6) below 1e-6, as
// objective_test.cpp's cases; t is drawn on (eps, 1 − eps) with eps = 1e-3 here.
TEST_CASE(
    "flow matching: gradient equals finite differences, target z - x0, loss on the velocity") {
  Eigen::VectorXd params;
  const MlpT<double> mlp = small_velocity_net(params);
  ObjectiveConfig oc = flow_matching();
  oc.eps = 1e-3;
  const Objective obj(oc, Sde(straight_path()), SigmaSchedule{});
  Rng rng(8);
  Points x0(2, 12);
  rng.fill_normal(x0);
  ObjectiveBatch<float> bf;
  obj.draw(x0, rng, bf);
  for (Index i = 0; i < x0.cols(); ++i) {
    const float t = bf.level.t[i];
    CHECK(t >= 1e-3f);
    CHECK(t <= 1 - 1e-3f);
    CHECK(bf.level.m[i] == doctest::Approx(1 - t));
    CHECK(bf.level.s[i] == doctest::Approx(t));
    CHECK(bf.weight[i] == 1.0f);
    CHECK((bf.v.col(i) - (bf.z.col(i) - x0.col(i))).norm() < 1e-6f);  // target z − x₀
    CHECK((bf.x.col(i) - ((1 - t) * x0.col(i) + t * bf.z.col(i))).norm() < 1e-5f);
  }
  const ObjectiveBatch<double> b = bf.cast<double>();
  MlpT<double>::Context ctx;
  Eigen::VectorXd grad = Eigen::VectorXd::Zero(mlp.num_params());
  ValuesT<double> per;
  const double loss = obj.evaluate<double>(mlp, params, b, ctx, &grad, &per);
  // ½‖h − target‖² per sample, h the network's output (its velocity).
  CHECK(per.mean() == doctest::Approx(loss));
  CHECK(loss == doctest::Approx(0.5 * (ctx.h - b.v).colwise().squaredNorm().mean()));
  Eigen::VectorXd fd(grad.size());
  for (Index i = 0; i < grad.size(); ++i) {
    Eigen::VectorXd q = params;
    const double h = 1e-6;
    q[i] += h;
    const double lp = obj.evaluate<double>(mlp, q, b, ctx, nullptr, nullptr);
    q[i] -= 2 * h;
    fd[i] = (lp - obj.evaluate<double>(mlp, q, b, ctx, nullptr, nullptr)) / (2 * h);
  }
  CHECK((grad - fd).norm() / fd.norm() < 1e-6);
}

TEST_CASE("velocity network: its output is the velocity, its score -(x + (1 - t) v) / t") {
  TrainConfig cfg;
  cfg.sde = straight_path();
  cfg.model = default_model_for(SdeKind::RectifiedFlow);
  cfg.model.width = 16;
  cfg.objective = flow_matching();
  CHECK(cfg.model.output == OutputScaling::Velocity);
  const GaussianMixture gm = ring8();
  TrainingSession session(cfg, [&](Index n, Rng& rng, Points& out) { gm.sample(n, rng, out); });
  for (int i = 0; i < 5; ++i) session.step();
  const LearnedScore net(session.snapshot(), /*use_ema=*/false);
  REQUIRE(net.has_velocity());
  const Sde sde(cfg.sde);
  Rng rng(4);
  Points x(2, 40);
  rng.fill_normal(x);
  for (double t : {0.1, 0.5, 0.9, 1.0}) {
    CAPTURE(t);
    Points v, score;
    net.velocity(x, sde.level(t), v);
    net.score(x, sde.level(t), score);
    REQUIRE(v.allFinite());
    const Points expected = (-(x + float(1 - t) * v) / float(t)).eval();
    CHECK((score - expected).cwiseAbs().maxCoeff() < 1e-4f * (1 + expected.cwiseAbs().maxCoeff()));
  }
  // Off the straight path the conversion does not hold: refused.
  Points out;
  CHECK_THROWS_WITH_AS(net.score(x, NoiseLevel{0.5, 1.0, 0.5}, out),
                       doctest::Contains("off that path"), InputError);
}

TEST_CASE("flow matching and the straight path: the pairings are refused with the fields named") {
  TrainConfig cfg;
  cfg.sde = straight_path();
  cfg.model = default_model_for(SdeKind::RectifiedFlow);
  // The straight path with the denoising objective: σ̂ = t/(1 − t) is ∞ at t = 1.
  CHECK_THROWS_WITH_AS(cfg.validate(), doctest::Contains("train.objective flow_matching"),
                       InputError);
  cfg.objective = flow_matching();
  CHECK_NOTHROW(cfg.validate());
  cfg.model.output = OutputScaling::Preconditioned;
  CHECK_THROWS_WITH_AS(cfg.validate(), doctest::Contains("model.output velocity"), InputError);
  cfg.model.output = OutputScaling::Velocity;
  cfg.sde.kind = SdeKind::VP;  // the velocity output is the straight path's
  CHECK_THROWS_WITH_AS(cfg.validate(), doctest::Contains("rectified_flow"), InputError);
  cfg.sde.kind = SdeKind::RectifiedFlow;
  cfg.objective.levels = LevelSource::Discrete;
  CHECK_THROWS_WITH_AS(cfg.validate(), doctest::Contains("train.levels continuous"), InputError);
}

namespace {

// Held out: not a shipped scene and not small_sigma_test's mixtures.
GaussianMixture slant3() {
  return GaussianMixture({component(0.5, -2.0, 1.5, 0.9, 0.55, 0.5),
                          component(0.3, 2.0, 1.0, 0.2, -0.15, 0.35),
                          component(0.2, 0.5, -2.5, 0.5, 0.0, 0.06)});
}
GaussianMixture bent2() {
  return GaussianMixture(
      {component(0.65, -1.0, -1.0, 1.5, 1.0, 1.0), component(0.35, 2.5, 2.0, 0.1, 0.0, 0.6)});
}

// Trains the default straight-path recipe (velocity output, flow matching, batch 256, lr 1e-3,
// EMA 0.999, seed 1) for kFlowSteps and samples with the ODE on the learned velocity (RK4 in 20
// steps from t = 1 to 1e-3: 80 evaluations; the straight path's flow is nearly straight). Three
// independent runs against fresh exact samples: the median energy ratio (to the 95th percentile
// of exact-vs-exact), returned.
double flow_energy_ratio(const GaussianMixture& gmm, const char* name) {
  const ExactSampler data = [&](Index n, Rng& rng, Points& out) { gmm.sample(n, rng, out); };
  TrainConfig cfg;
  cfg.sde = straight_path();
  cfg.model = default_model_for(SdeKind::RectifiedFlow);
  cfg.objective = flow_matching();
  cfg.seed = 1;
  TrainingSession session(cfg, data);
  for (long i = 0; i < kFlowSteps; ++i) session.step();
  CHECK(session.warning().empty());
  const LearnedScore learned(session.snapshot(), /*use_ema=*/true);
  REQUIRE(learned.has_velocity());
  ProbabilityFlowConfig ode;
  ode.method = OdeMethod::Rk4;
  ode.steps = kFlowStatistics ? 20 : 5;
  ode.t_end = 1e-3;
  auto sampler = make_sampler(ode, SigmaSchedule{}, cfg.sde);
  Rng rng(5);
  const EnergyReference ref = energy_reference(data, kFlowParticles, kFlowPairs, rng);
  const testing::EnergyRuns runs =
      testing::energy_runs(learned, gmm, data, Sde(cfg.sde), *sampler, ref, kFlowParticles,
                           kFlowStatistics ? 3 : 1, rng);
  MESSAGE(std::string(name) << ": flow matching, " << kFlowSteps << " steps, ODE energy ratios "
                            << runs.ratios.front() << " … " << runs.ratios.back() << ", median "
                            << runs.median());
  if (kFlowStatistics) testing::check_mode_weights(runs.last, kFlowParticles);
  return runs.median();
}

}  // namespace

// Budget: 4,000 flow-matching steps (batch 256), seed 1, EMA weights, 2,000 samples by RK4 in 20
// steps on the learned velocity (about 5 s a case on one core). Passing: the median of three
// energy ratios ≤ 1 (a correct sampler fails with probability ~0.7%; seeded, so the outcome is
// fixed). Measured medians (AVX-512): ring8 0.34, slant3 0.56, bent2 0.63; at 3,000 steps 0.31,
// 0.61, 0.87, hence the 4,000.
TEST_CASE("learned flow matching: ODE samples pass the energy test on ring8") {
  const double ratio = flow_energy_ratio(ring8(), "ring8");
  if (kFlowStatistics) CHECK(ratio <= 1.0);
}

TEST_CASE("learned flow matching: ODE samples pass the energy test on held-out slant3") {
  const double ratio = flow_energy_ratio(slant3(), "slant3");
  if (kFlowStatistics) CHECK(ratio <= 1.0);
}

TEST_CASE("learned flow matching: ODE samples pass the energy test on held-out bent2") {
  const double ratio = flow_energy_ratio(bent2(), "bent2");
  if (kFlowStatistics) CHECK(ratio <= 1.0);
}
