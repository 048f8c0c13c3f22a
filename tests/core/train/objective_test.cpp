// Score-matching objectives: gradients against finite differences (double), the closed-form
// minimum of the denoising loss, and Adam / EMA against hand-computed steps.
#include <doctest/doctest.h>

#include <cmath>

#include "core/nn/adam.h"
#include "core/train/objective.h"

using namespace scorelab;

namespace {

SdeParams ve_params() {
  SdeParams p;
  p.kind = SdeKind::VE;
  p.sigma_min = 0.05;
  p.sigma_max = 5.0;
  return p;
}

struct Setup {
  MlpT<double> mlp;
  Eigen::VectorXd params;
};

Setup make_setup(OutputScaling out, EmbeddingKind emb) {
  MlpConfig cfg;
  cfg.width = 8;
  cfg.depth = 2;
  cfg.embedding = {emb, 4, 2.0};
  cfg.output = out;
  Rng rng(3);
  Setup s{MlpT<double>(cfg, NoiseEmbedding(cfg.embedding, rng)), {}};
  s.mlp.init_params(s.params, rng);
  return s;
}

}  // namespace

// Relative error of the analytic gradient vs central differences (h = 1e-6) below 1e-6.
TEST_CASE("every objective's gradient equals finite differences") {
  const SigmaSchedule schedule{ScheduleKind::Geometric, 0.05, 5.0, 6, 7.0};
  struct Case {
    ObjectiveKind kind;
    LevelSource levels;
    bool likelihood, perturb;
    SdeKind sde;
    bool preconditioned = false;  // OutputScaling::Preconditioned (Fourier log σ̂ embedding)
  };
  const Case cases[] = {
      {ObjectiveKind::Denoising, LevelSource::Continuous, false, true, SdeKind::VE},
      {ObjectiveKind::Denoising, LevelSource::Continuous, true, true, SdeKind::VP},
      {ObjectiveKind::Denoising, LevelSource::Continuous, false, true, SdeKind::SubVP},
      {ObjectiveKind::Denoising, LevelSource::Discrete, false, true, SdeKind::VE},
      {ObjectiveKind::Sliced, LevelSource::Continuous, false, true, SdeKind::VE},
      {ObjectiveKind::SlicedVR, LevelSource::Discrete, false, true, SdeKind::VE},
      {ObjectiveKind::SlicedVR, LevelSource::Continuous, false, false, SdeKind::VE},
      {ObjectiveKind::Exact, LevelSource::Continuous, false, false, SdeKind::VE},
      {ObjectiveKind::Exact, LevelSource::Discrete, false, true, SdeKind::VE},
      {ObjectiveKind::Denoising, LevelSource::Continuous, false, true, SdeKind::VE, true},
      {ObjectiveKind::Denoising, LevelSource::Continuous, false, true, SdeKind::VP, true},
      {ObjectiveKind::Denoising, LevelSource::Continuous, true, true, SdeKind::SubVP, true},
      {ObjectiveKind::Sliced, LevelSource::Continuous, false, true, SdeKind::VP, true},
      {ObjectiveKind::Exact, LevelSource::Continuous, false, true, SdeKind::SubVP, true},
  };
  for (const Case& c : cases) {
    CAPTURE(to_string(c.kind));
    CAPTURE(to_string(c.sde));
    CAPTURE(c.preconditioned);
    SdeParams sp = ve_params();
    sp.kind = c.sde;
    const bool vp = c.sde != SdeKind::VE;
    Setup s = c.preconditioned
                  ? make_setup(OutputScaling::Preconditioned, EmbeddingKind::FourierLogSigma)
                  : make_setup(vp ? OutputScaling::NoisePrediction : OutputScaling::ScoreOverSigma,
                               vp ? EmbeddingKind::SinusoidalTime : EmbeddingKind::FourierLogSigma);
    const Objective obj({c.kind, c.levels, c.likelihood, c.perturb, 1e-3}, Sde(sp), schedule);
    Rng rng(8);
    Points x0(2, 12);
    rng.fill_normal(x0);
    ObjectiveBatch<float> bf;
    obj.draw(x0, rng, bf);
    const ObjectiveBatch<double> b = bf.cast<double>();
    MlpT<double>::Context ctx;
    Eigen::VectorXd grad = Eigen::VectorXd::Zero(s.mlp.num_params());
    obj.evaluate<double>(s.mlp, s.params, b, ctx, &grad, nullptr);
    Eigen::VectorXd fd(grad.size());
    for (Index i = 0; i < grad.size(); ++i) {
      Eigen::VectorXd q = s.params;
      const double h = 1e-6;
      q[i] += h;
      const double lp = obj.evaluate<double>(s.mlp, q, b, ctx, nullptr, nullptr);
      q[i] -= 2 * h;
      fd[i] = (lp - obj.evaluate<double>(s.mlp, q, b, ctx, nullptr, nullptr)) / (2 * h);
    }
    CHECK((grad - fd).norm() / fd.norm() < 1e-6);
  }
}

TEST_CASE("per-sample losses average to the batch loss — the exact objective uses tr J") {
  Setup s = make_setup(OutputScaling::ScoreOverSigma, EmbeddingKind::FourierLogSigma);
  const SigmaSchedule schedule{ScheduleKind::Geometric, 0.05, 5.0, 6, 7.0};
  const Objective obj({ObjectiveKind::Exact, LevelSource::Continuous, false, false, 1e-3},
                      Sde(ve_params()), schedule);
  Rng rng(1);
  Points x0(2, 7);
  rng.fill_normal(x0);
  ObjectiveBatch<float> bf;
  obj.draw(x0, rng, bf);
  CHECK(bf.x == x0);  // not perturbed
  const auto b = bf.cast<double>();
  MlpT<double>::Context ctx;
  ValuesT<double> per;
  const double loss = obj.evaluate<double>(s.mlp, s.params, b, ctx, nullptr, &per);
  CHECK(per.mean() == doctest::Approx(loss));
  Eigen::Matrix<double, 4, Eigen::Dynamic> J;
  s.mlp.jacobian(s.params, b.x, b.level, ctx, J);
  const double expected =
      ((J.row(0) + J.row(3)).array() + 0.5 * ctx.score.colwise().squaredNorm().array()).mean();
  CHECK(loss == doctest::Approx(expected).epsilon(1e-12));
}

TEST_CASE("Adam and EMA match hand-computed steps") {
  AdamConfig cfg;
  cfg.lr = 0.1;
  cfg.warmup = 2;
  cfg.grad_clip = 1.0;
  Adam adam(cfg, 2);
  Eigen::VectorXf p(2), g(2);
  p << 1.0f, -2.0f;
  g << 3.0f, 4.0f;  // norm 5 → clipped to 1: (0.6, 0.8)
  const double norm = adam.step(p, g);
  CHECK(norm == doctest::Approx(5.0));
  // t = 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g², step = lr·½(warm-up)·g/(|g| + eps) ≈ 0.05.
  CHECK(p[0] == doctest::Approx(1.0 - 0.05 * 0.6 / (0.6 + 1e-8)).epsilon(1e-6));
  CHECK(p[1] == doctest::Approx(-2.0 - 0.05 * 0.8 / (0.8 + 1e-8)).epsilon(1e-6));
  g << 0.5f, 0.0f;  // t = 2, no clipping, full lr
  adam.step(p, g);
  const double m = 0.9 * 0.1 * 0.6 + 0.1 * 0.5, v = 0.999 * 0.001 * 0.36 + 0.001 * 0.25;
  const double mh = m / (1 - 0.81), vh = v / (1 - 0.999 * 0.999);
  CHECK(p[0] == doctest::Approx(1.0 - 0.05 - 0.1 * mh / (std::sqrt(vh) + 1e-8)).epsilon(1e-6));
  CHECK(adam.steps() == 2);

  Eigen::VectorXf w(1);
  w << 0.0f;
  Ema ema(0.999, w);
  w << 1.0f;
  ema.update(w);  // decay = min(0.999, 2/11)
  CHECK(ema.weights()[0] == doctest::Approx(1 - 2.0 / 11).epsilon(1e-6));
  ema.update(w);  // decay = 3/12
  CHECK(ema.weights()[0] == doctest::Approx(1 - (2.0 / 11) * (3.0 / 12)).epsilon(1e-6));
}

// The objective layer's chart (app/layers/objective_layer.cpp) draws weight_at(t): it must be the
// weight every drawn sample carries at its t, and the formula it names.
TEST_CASE("objective: weight_at(t) is each drawn sample's weight, and its formula is named") {
  const Sde sde(SdeParams{});  // VE
  SigmaSchedule schedule;
  Points x0 = Points::Zero(2, 64);
  for (int mode = 0; mode < 3; ++mode) {
    ObjectiveConfig cfg;
    cfg.distribution = LevelDistribution::UniformT;
    cfg.weighting = mode == 1 ? LossWeighting::Balanced : LossWeighting::Sigma2;
    cfg.likelihood_weighting = mode == 2;
    const Objective objective(cfg, sde, schedule, 0.7);
    Rng rng(3);
    ObjectiveBatch<float> b;
    objective.draw(x0, rng, b);
    for (Index i = 0; i < b.weight.size(); ++i)
      CHECK(b.weight[i] == doctest::Approx(objective.weight_at(b.level.t[i])).epsilon(1e-4));
    const double t = 0.37, s = sde.level(t).s, g = sde.diffusion(t);
    if (mode == 0) CHECK(objective.weight_at(t) == doctest::Approx(s * s));
    if (mode == 2) CHECK(objective.weight_at(t) == doctest::Approx(g * g));
    CHECK(objective.weight_formula().find(mode == 0   ? "s(t)^2"
                                          : mode == 1 ? "balanced"
                                                      : "g(t)^2") != std::string::npos);
  }
}
