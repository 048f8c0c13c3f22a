// The score MLP: fused kernels against their reference twins, and every derivative (parameters,
// input Jacobian, tangents) against central finite differences in double precision.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <optional>
#include <vector>

#include "core/nn/finite_differences.h"
#include "core/nn/mlp.h"

using namespace scorelab;

namespace {

using MlpD = MlpT<double>;
using VecD = Eigen::VectorXd;

// A reach for the skip far field that puts make_batch's points in all three parts of the window
// (w = 1, the step, w = 0); the tests check that they do (window_zones).
const DataReach kReach{{0.5, -0.3}, 0.5};

MlpD make_mlp(Activation act, EmbeddingKind emb, OutputScaling out, std::uint64_t seed = 1,
              std::optional<DataReach> reach = std::nullopt) {
  MlpConfig cfg;
  cfg.width = 8;
  cfg.depth = 2;
  cfg.activation = act;
  cfg.embedding = {emb, 4, 2.0};  // small Fourier scale: smooth in log s for the FD checks
  cfg.output = out;
  Rng rng(seed);
  return MlpD(cfg, NoiseEmbedding(cfg.embedding, rng), reach);
}

// The skip far field's variants of a test: without a reach, and (preconditioned only) with one.
std::vector<std::optional<DataReach>> reaches(OutputScaling out) {
  if (out == OutputScaling::Preconditioned) return {std::nullopt, kReach};
  return {std::nullopt};
}

// How many points of the last forward have w = 1, 0 < w < 1 and w = 0.
std::array<int, 3> window_zones(const MlpD::Context& ctx) {
  std::array<int, 3> n{};
  for (Index i = 0; i < ctx.w.size(); ++i) ++n[ctx.w[i] == 1 ? 0 : ctx.w[i] > 0 ? 1 : 2];
  return n;
}

struct Batch {
  PointsT<double> x;
  LevelBatch<double> level;
};

Batch make_batch(Index n, std::uint64_t seed) {
  Rng rng(seed);
  Batch b{PointsT<double>(2, n), {ValuesT<double>(n), ValuesT<double>(n), ValuesT<double>(n)}};
  for (Index i = 0; i < n; ++i) {
    b.x(0, i) = 2 * rng.normal(), b.x(1, i) = 2 * rng.normal();
    b.level.t[i] = 0.05 + 0.9 * rng.uniform();
    b.level.m[i] = 0.2 + 0.8 * rng.uniform();  // m ≠ 1 exercises the VP form of Preconditioned
    b.level.s[i] = std::exp(std::log(0.05) + rng.uniform() * std::log(100.0));
  }
  return b;
}

double rel_err(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).norm() / std::max(b.norm(), 1e-300);
}

const Activation kActs[] = {Activation::SiLU, Activation::Softplus, Activation::ReLU};

}  // namespace

TEST_CASE("fused bias + activation equals the reference twin, and φ', φ'' are derivatives") {
  for (Activation act : kActs) {
    CAPTURE(to_string(act));
    Eigen::MatrixXd Z = Eigen::MatrixXd::Random(5, 7) * 6.0, A, D, DD;
    const Eigen::VectorXd b = Eigen::VectorXd::Random(5);
    const Eigen::MatrixXd Z0 = Z;
    activation_forward<double>(act, b, Z, A, &D, &DD);
    for (Index j = 0; j < 7; ++j)
      for (Index i = 0; i < 5; ++i) {
        double a, d, dd;
        const double z = Z0(i, j) + b[i];
        activation_reference(act, z, a, d, dd);
        CHECK(Z(i, j) == doctest::Approx(z).epsilon(1e-14));
        CHECK(A(i, j) == doctest::Approx(a).epsilon(1e-13));
        CHECK(D(i, j) == doctest::Approx(d).epsilon(1e-13));
        CHECK(DD(i, j) == doctest::Approx(dd).epsilon(1e-12));
        if (act == Activation::ReLU && std::abs(z) < 1e-3) continue;  // the kink
        const double h = 1e-5;
        double ap, am, dp, dm, tmp;
        activation_reference(act, z + h, ap, dp, tmp);
        activation_reference(act, z - h, am, dm, tmp);
        CHECK((ap - am) / (2 * h) == doctest::Approx(d).epsilon(1e-8));
        CHECK((dp - dm) / (2 * h) == doctest::Approx(dd).epsilon(1e-7));
      }
  }
}

TEST_CASE("embeddings match their closed forms") {
  Rng rng(5);
  NoiseEmbedding fourier({EmbeddingKind::FourierLogSigma, 6, 16.0}, rng);
  NoiseEmbedding sinus({EmbeddingKind::SinusoidalTime, 6, 16.0}, rng);
  ValuesT<double> t(2), s(2);
  t << 0.25, 0.8;
  s << 0.3, 7.0;
  Eigen::MatrixXd ef(6, 2), es(6, 2);
  fourier.embed(t, s, ef, 0);
  sinus.embed(t, s, es, 0);
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 3; ++k) {
      const double wf = fourier.frequencies()[k];
      CHECK(ef(k, i) == doctest::Approx(std::sin(wf * std::log(s[i]))));
      CHECK(ef(3 + k, i) == doctest::Approx(std::cos(wf * std::log(s[i]))));
      const double f = std::exp(-std::log(10000.0) * k / 2.0);  // DDPM: k/(half − 1)
      CHECK(es(k, i) == doctest::Approx(std::sin(999.0 * t[i] * f)));
      CHECK(es(3 + k, i) == doctest::Approx(std::cos(999.0 * t[i] * f)));
    }
}

TEST_CASE("fused forward equals the plain reference forward (float and double)") {
  for (Activation act : kActs)
    for (OutputScaling out : {OutputScaling::ScoreOverSigma, OutputScaling::NoisePrediction,
                              OutputScaling::Preconditioned, OutputScaling::Velocity}) {
      for (const std::optional<DataReach>& reach : reaches(out)) {
        CAPTURE(to_string(out));
        CAPTURE(reach.has_value());
        const MlpD mlp = make_mlp(act, EmbeddingKind::FourierLogSigma, out, 1, reach);
        Rng rng(2);
        VecD p;
        mlp.init_params(p, rng);
        const Batch b = make_batch(33, 3);
        MlpD::Context ctx;
        mlp.forward(p, b.x, b.level, ctx);
        CHECK(rel_err(ctx.score, mlp.forward_reference(p, b.x, b.level)) < 1e-13);
        if (reach) {
          const auto zones = window_zones(ctx);
          CHECK(zones[0] > 0);
          CHECK(zones[1] > 0);
          CHECK(zones[2] > 0);
        }

        // Float: same weights rounded; agreement to float precision (values O(1)/s,
        // ~1e-6 relative).
        Mlp mlpf(mlp.config(), mlp.embedding(), reach);
        const Eigen::VectorXf pf = p.cast<float>();
        Mlp::Context cf;
        const LevelBatch<float> lf{b.level.t.cast<float>(), b.level.m.cast<float>(),
                                   b.level.s.cast<float>()};
        mlpf.forward(pf, b.x.cast<float>(), lf, cf);
        CHECK(rel_err(cf.score.cast<double>(),
                      mlpf.forward_reference(pf, b.x.cast<float>(), lf).cast<double>()) < 1e-5);
        CHECK(rel_err(cf.score.cast<double>(), ctx.score) < 1e-4);
      }
    }
}

// The loss L = Σ G ⊙ score + Σ_k Gt_k ⊙ (J d_k) is linear in the outputs, so backward with
// g_score = G, g_tangent = Gt must equal its finite-difference gradient in θ. Central differences
// with h = 1e-6 have truncation error ~h² and rounding ~1e-16/h: relative error ≪ 1e-6.
TEST_CASE("backward equals finite differences, with 0, 1 and 2 input tangents") {
  for (Activation act : kActs)
    for (OutputScaling out : {OutputScaling::ScoreOverSigma, OutputScaling::NoisePrediction,
                              OutputScaling::Preconditioned, OutputScaling::Velocity})
      for (const std::optional<DataReach>& reach : reaches(out))
        for (int K = 0; K <= 2; ++K) {
          // Each output with an embedding it is used with: Fourier(log σ) for h/σ and the
          // preconditioned form (which embeds log σ̂ = log(s/m)), sinusoidal(t) for noise
          // prediction.
          const EmbeddingKind emb = out == OutputScaling::NoisePrediction
                                        ? EmbeddingKind::SinusoidalTime
                                        : EmbeddingKind::FourierLogSigma;
          CAPTURE(to_string(act));
          CAPTURE(to_string(out));
          CAPTURE(reach.has_value());
          CAPTURE(K);
          const MlpD mlp = make_mlp(act, emb, out, 1, reach);
          Rng rng(11);
          VecD p;
          mlp.init_params(p, rng);
          const Batch b = make_batch(9, 4);
          PointsT<double> d0 = PointsT<double>::Random(2, 9), d1 = PointsT<double>::Random(2, 9);
          PointsT<double> G = PointsT<double>::Random(2, 9), G0 = PointsT<double>::Random(2, 9),
                          G1 = PointsT<double>::Random(2, 9);
          const std::array<const PointsT<double>*, 2> dirs{&d0, &d1}, gt{&G0, &G1};
          MlpD::Context ctx;
          auto loss = [&](const VecD& q) {
            mlp.forward(q, b.x, b.level, ctx, K, dirs);
            double l = (G.array() * ctx.score.array()).sum();
            for (int k = 0; k < K; ++k) l += (gt[k]->array() * ctx.score_t[k].array()).sum();
            return l;
          };
          loss(p);
          if (reach) CHECK(window_zones(ctx)[1] > 0);  // the step, where ∇w ≠ 0, is exercised
          VecD grad = VecD::Zero(mlp.num_params());
          mlp.backward(p, ctx, G, gt, grad);
          const Eigen::VectorXd fd = nn_testing::fd_gradient(loss, p);
          CHECK(rel_err(grad, fd) < 1e-6);
        }
}

TEST_CASE("the input Jacobian equals finite differences of the score in x") {
  for (Activation act : {Activation::SiLU, Activation::Softplus})
    for (OutputScaling out : {OutputScaling::ScoreOverSigma, OutputScaling::Preconditioned})
      for (const std::optional<DataReach>& reach : reaches(out)) {
        CAPTURE(to_string(out));
        CAPTURE(reach.has_value());
        const MlpD mlp = make_mlp(act, EmbeddingKind::FourierLogSigma, out, 1, reach);
        Rng rng(12);
        VecD p;
        mlp.init_params(p, rng);
        const Batch b = make_batch(15, 5);
        MlpD::Context ctx;
        Eigen::Matrix<double, 4, Eigen::Dynamic> J;
        mlp.jacobian(p, b.x, b.level, ctx, J);
        if (reach) CHECK(window_zones(ctx)[1] > 0);  // ∇w ≠ 0 at some points
        const auto fd = nn_testing::fd_input_jacobian(mlp, p, b.x, b.level, ctx);
        CHECK(rel_err(J, fd) < 1e-6);
      }
}

// The skip far field (mlp.h FarField): beyond the window's outer radius the score is exactly the
// skip term's, −(x − m μ)/(m² (σ̂² + σ_d²)) (the score of N(μ, σ_d² I) under the kernel), with
// divergence −2 c²; within the inner radius it is the network's, i.e. that of the same weights
// without a reach evaluated at x − m μ. window_at gives those radii in data units.
TEST_CASE("skip far field: the skip term's score beyond the window, the network's within it") {
  const MlpD mlp = make_mlp(Activation::SiLU, EmbeddingKind::FourierLogSigma,
                            OutputScaling::Preconditioned, 1, kReach);
  const MlpD plain =
      make_mlp(Activation::SiLU, EmbeddingKind::FourierLogSigma, OutputScaling::Preconditioned, 1);
  REQUIRE(mlp.reach().has_value());
  REQUIRE(!plain.reach().has_value());
  Rng rng(2);
  VecD p;
  mlp.init_params(p, rng);
  const double sd = mlp.config().sigma_data;
  for (const auto [t, m, s] :
       {std::array{0.01, 0.99, 0.02}, std::array{0.5, 0.4, 0.9}, std::array{0.9, 0.05, 1.0}}) {
    CAPTURE(t);
    const auto win = mlp.window_at(m, s);
    REQUIRE(win.has_value());
    CHECK(win->inner == doctest::Approx(std::hypot(m * kReach.radius, 4 * s)));
    CHECK(win->outer == doctest::Approx(1.5 * win->inner));
    const Index n = 16;
    PointsT<double> inside(2, n), outside(2, n);
    for (Index i = 0; i < n; ++i) {
      const double a = 2 * std::numbers::pi * double(i) / double(n);
      const Eigen::Vector2d u(std::cos(a), std::sin(a));
      inside.col(i) = win->center + 0.99 * win->inner * double(i + 1) / double(n) * u;
      outside.col(i) = win->center + (1.01 + 0.3 * double(i)) * win->outer * u;
    }
    const LevelBatch<double> level{ValuesT<double>::Constant(n, t), ValuesT<double>::Constant(n, m),
                                   ValuesT<double>::Constant(n, s)};
    MlpD::Context ctx, ctx_plain;
    Eigen::Matrix<double, 4, Eigen::Dynamic> J;
    mlp.jacobian(p, outside, level, ctx, J);
    const double sh = s / m, c2 = 1 / (m * m * (sh * sh + sd * sd));
    const PointsT<double> skip = -c2 * (outside.colwise() - win->center);
    CHECK(rel_err(ctx.score, skip) < 1e-13);
    CHECK((J.row(0) + J.row(3)).array().maxCoeff() == doctest::Approx(-2 * c2));
    CHECK((J.row(0) + J.row(3)).array().minCoeff() == doctest::Approx(-2 * c2));
    mlp.forward(p, inside, level, ctx);
    plain.forward(p, (inside.colwise() - win->center).eval(), level, ctx_plain);
    CHECK(rel_err(ctx.score, ctx_plain.score) < 1e-13);
  }
}
