// ScoreModel capabilities (log_density, divergence) for the three kinds of model, checked
// against central finite differences of what they already answer:
//   divergence ≈ Σ_d (s_d(x + h e_d) − s_d(x − h e_d)) / 2h    (trace of the score's Jacobian)
//   score      ≈ (log p(x + h e_d) − log p(x − h e_d)) / 2h     (gradient of the log-density)
// Everything is float: with h = 1e-3 the truncation error is O(h²) ≈ 1e-6 and the rounding error
// about 1e-7 · |value| / h ≈ 1e-4 · |value|, so the tolerance is 2e-3 · (1 + |reference|).
#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>

#include "core/distributions/empirical_mixture.h"
#include "core/distributions/gaussian_mixture.h"
#include "core/nn/learned_score.h"

namespace scorelab {
namespace {

constexpr float kH = 1e-3f;

GaussianMixture two_modes() {
  GaussianComponent a, b;
  a.weight = 0.7;
  a.mean = {-1.0, 0.5};
  a.cov << 0.5, 0.2, 0.2, 0.3;
  b.weight = 0.3;
  b.mean = {1.5, -1.0};
  b.cov << 0.2, -0.05, -0.05, 0.4;
  return GaussianMixture({a, b});
}

Points query_points(Index n, std::uint64_t seed) {
  Rng rng(seed);
  Points x(2, n);
  rng.fill_uniform(x.data(), x.size(), -2.5f, 2.5f);
  return x;
}

// Central-difference divergence of model.score at the columns of x.
Values fd_divergence(const ScoreModel& model, const Points& x, const NoiseLevel& level) {
  Values div = Values::Zero(x.cols());
  for (int d = 0; d < 2; ++d) {
    Points plus = x, minus = x, sp, sm;
    plus.row(d).array() += kH;
    minus.row(d).array() -= kH;
    model.score(plus, level, sp);
    model.score(minus, level, sm);
    div += ((sp.row(d) - sm.row(d)) / (2 * kH)).transpose();
  }
  return div;
}

// Central-difference gradient of model.log_density at the columns of x.
Points fd_gradient(const ScoreModel& model, const Points& x, const NoiseLevel& level) {
  Points g(2, x.cols());
  for (int d = 0; d < 2; ++d) {
    Points plus = x, minus = x;
    plus.row(d).array() += kH;
    minus.row(d).array() -= kH;
    Values lp, lm;
    model.log_density(plus, level, lp);
    model.log_density(minus, level, lm);
    g.row(d) = ((lp - lm) / (2 * kH)).transpose();
  }
  return g;
}

void check_divergence(const ScoreModel& model, const Points& x, const NoiseLevel& level) {
  REQUIRE(model.has_divergence());
  Values div;
  model.divergence(x, level, div);
  REQUIRE(div.size() == x.cols());
  const Values fd = fd_divergence(model, x, level);
  for (Index i = 0; i < x.cols(); ++i) {
    INFO("point " << i << " at (" << x(0, i) << ", " << x(1, i) << "), s = " << level.s);
    CHECK(std::abs(div[i] - fd[i]) <= 2e-3f * (1 + std::abs(fd[i])));
  }
}

void check_log_density_gradient(const ScoreModel& model, const Points& x, const NoiseLevel& level) {
  REQUIRE(model.has_log_density());
  Points s;
  model.score(x, level, s);
  const Points g = fd_gradient(model, x, level);
  for (Index i = 0; i < x.cols(); ++i)
    for (int d = 0; d < 2; ++d) {
      INFO("point " << i << " coordinate " << d << ", s = " << level.s);
      CHECK(std::abs(s(d, i) - g(d, i)) <= 2e-3f * (1 + std::abs(s(d, i))));
    }
}

TEST_CASE("GaussianMixture: divergence and log-density gradient match finite differences") {
  const GaussianMixture gmm = two_modes();
  const Points x = query_points(200, 1);
  for (double s : {0.0, 0.3, 1.0}) {
    check_divergence(gmm, x, NoiseLevel::sigma(s));
    check_log_density_gradient(gmm, x, NoiseLevel::sigma(s));
  }
  // A VP-like level (m < 1) too: the mixture is scaled as well as widened.
  check_divergence(gmm, x, {0.5, 0.6, 0.8});
  check_log_density_gradient(gmm, x, {0.5, 0.6, 0.8});
}

TEST_CASE("EmpiricalMixture: divergence and log-density gradient match finite differences") {
  const EmpiricalMixture emp(query_points(30, 2) * 0.6f);
  const Points x = query_points(200, 3);
  for (double s : {0.3, 1.0}) {
    check_divergence(emp, x, NoiseLevel::sigma(s));
    check_log_density_gradient(emp, x, NoiseLevel::sigma(s));
  }
}

TEST_CASE("LearnedScore: exact divergence from the input Jacobian, no log-density") {
  Rng rng(4);
  MlpConfig cfg;
  cfg.width = 32;
  cfg.depth = 2;
  auto snap = std::make_shared<ModelSnapshot>();
  snap->mlp = std::make_shared<const Mlp>(cfg, NoiseEmbedding(cfg.embedding, rng));
  snap->mlp->init_params(snap->params, rng);
  snap->ema = snap->params * 0.5f;         // distinct weights, so that use_ema matters
  const Points x = query_points(1500, 5);  // more than one evaluation chunk (1024)
  for (bool ema : {false, true}) {
    const LearnedScore model(snap, ema);
    check_divergence(model, x, {0.4, 1.0, 0.5});
    CHECK_FALSE(model.has_log_density());
    Values out;
    CHECK_THROWS_AS(model.log_density(x, {0.4, 1.0, 0.5}, out), std::logic_error);
  }
  // The divergence follows the weights it is asked for (raw or EMA), as score() does.
  Values raw, ema;
  LearnedScore(snap, false).divergence(x, {0.4, 1.0, 0.5}, raw);
  LearnedScore(snap, true).divergence(x, {0.4, 1.0, 0.5}, ema);
  CHECK((raw - ema).cwiseAbs().maxCoeff() > 1e-3f);
}

// The velocity output (the straight path's, score = −(x + (1 − t) h)/t): its score's Jacobian
// carries the skip term −I/t, so the exact divergence checks that too. Only a velocity network
// answers a velocity; the others refuse the call.
TEST_CASE("LearnedScore: a velocity network's divergence matches finite differences") {
  Rng rng(6);
  MlpConfig cfg;
  cfg.width = 32;
  cfg.depth = 2;
  cfg.output = OutputScaling::Velocity;
  auto snap = std::make_shared<ModelSnapshot>();
  snap->mlp = std::make_shared<const Mlp>(cfg, NoiseEmbedding(cfg.embedding, rng));
  snap->mlp->init_params(snap->params, rng);
  snap->ema = snap->params;
  const Points x = query_points(300, 7);
  const NoiseLevel straight{0.4, 0.6, 0.4, -1.0, 1.0};  // m = 1 − t, s = t
  const LearnedScore model(snap, false);
  check_divergence(model, x, straight);
  CHECK(model.has_velocity());
  MlpConfig plain_cfg = cfg;
  plain_cfg.output = OutputScaling::Preconditioned;
  auto plain = std::make_shared<ModelSnapshot>(*snap);
  plain->mlp = std::make_shared<const Mlp>(plain_cfg, NoiseEmbedding(plain_cfg.embedding, rng));
  const LearnedScore score_net(plain, false);
  CHECK_FALSE(score_net.has_velocity());
  Points out;
  CHECK_THROWS_AS(score_net.velocity(x, straight, out), std::logic_error);
}

}  // namespace
}  // namespace scorelab
