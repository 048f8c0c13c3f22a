// The class-conditional MLP (core/nn/mlp.h, MlpConfig::classes): the class embedding C added to
// the first layer, its gradient and the input tangents, all against the reference twin and central
// finite differences in double precision, as the unconditional network is (mlp_test.cpp).
#include <doctest/doctest.h>

#include <cmath>
#include <optional>

#include "core/nn/finite_differences.h"
#include "core/nn/mlp.h"

using namespace scorelab;

namespace {

using ClassMlp = MlpT<double>;
using ClassVec = Eigen::VectorXd;
constexpr int kClassCount = 3;

// With the skip far field's reach the window covers every part of class_batch's points; without
// it the network's output is used everywhere (so every label shows in the score).
ClassMlp make_class_mlp(int classes, std::optional<DataReach> reach = DataReach{{0.5, -0.3}, 0.5}) {
  MlpConfig cfg;
  cfg.width = 8;
  cfg.depth = 2;
  cfg.embedding = {EmbeddingKind::FourierLogSigma, 4, 2.0};
  cfg.classes = classes;
  Rng rng(7);
  return ClassMlp(cfg, NoiseEmbedding(cfg.embedding, rng), reach);
}

// Points, levels and labels cycling through every class and ∅.
void class_batch(Index n, PointsT<double>& x, LevelBatch<double>& level) {
  Rng rng(21);
  x.resize(2, n);
  level.t.resize(n), level.m.resize(n), level.s.resize(n), level.label.resize(n);
  for (Index i = 0; i < n; ++i) {
    x(0, i) = 2 * rng.normal(), x(1, i) = 2 * rng.normal();
    level.t[i] = 0.05 + 0.9 * rng.uniform();
    level.m[i] = 0.2 + 0.8 * rng.uniform();
    level.s[i] = std::exp(std::log(0.05) + rng.uniform() * std::log(100.0));
    level.label[i] = int(i % (kClassCount + 1)) - 1;  // −1 = kNoLabel, then 0..K−1
  }
}

// A class-conditional network with the reach, its initial weights and a batch of n points.
struct ClassSetup {
  ClassMlp mlp = make_class_mlp(kClassCount);
  ClassVec p;
  PointsT<double> x;
  LevelBatch<double> level;
  ClassSetup(std::uint64_t seed, Index n) {
    Rng rng(seed);
    mlp.init_params(p, rng);
    class_batch(n, x, level);
  }
};

double class_rel_err(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).norm() / std::max(b.norm(), 1e-300);
}

}  // namespace

TEST_CASE("class-conditional MLP: the class embedding adds H × (K + 1) parameters, and the label "
          "changes the output") {
  const ClassMlp plain = make_class_mlp(0), mlp = make_class_mlp(kClassCount, std::nullopt);
  CHECK(mlp.num_params() == plain.num_params() + 8 * (kClassCount + 1));
  Rng rng(3);
  ClassVec p;
  mlp.init_params(p, rng);
  PointsT<double> x;
  LevelBatch<double> level;
  class_batch(8, x, level);
  ClassMlp::Context ctx;
  mlp.forward(p, x, level, ctx);
  const PointsT<double> labelled = ctx.score;
  CHECK(class_rel_err(labelled, mlp.forward_reference(p, x, level)) < 1e-13);
  // No labels at all is ∅ for every sample.
  LevelBatch<double> none = level;
  none.label.resize(0);
  mlp.forward(p, x, none, ctx);
  for (Index i = 0; i < 8; ++i) {
    CAPTURE(i);
    if (level.label[i] == kNoLabel)
      CHECK((ctx.score.col(i) - labelled.col(i)).norm() == 0.0);
    else
      CHECK((ctx.score.col(i) - labelled.col(i)).norm() > 1e-6);
  }
}

// As in mlp_test.cpp: L = Σ G ⊙ score + Σ_k Gt_k ⊙ (J d_k) is linear in the outputs, so backward
// must equal its central-difference gradient (h = 1e-6: truncation ~h², rounding ~1e-16/h; the
// relative error is ≪ 1e-6). The class embedding's entries are among the parameters checked, and
// every class and ∅ occur in the batch.
TEST_CASE("class-conditional MLP: backward equals finite differences, with 0, 1 and 2 tangents") {
  const ClassSetup setup(11, 9);
  const auto& [mlp, p, x, level] = setup;
  for (int K = 0; K <= 2; ++K) {
    CAPTURE(K);
    PointsT<double> d0 = PointsT<double>::Random(2, 9), d1 = PointsT<double>::Random(2, 9);
    PointsT<double> G = PointsT<double>::Random(2, 9), G0 = PointsT<double>::Random(2, 9),
                    G1 = PointsT<double>::Random(2, 9);
    const std::array<const PointsT<double>*, 2> dirs{&d0, &d1}, gt{&G0, &G1};
    ClassMlp::Context ctx;
    auto loss = [&](const ClassVec& q) {
      mlp.forward(q, x, level, ctx, K, dirs);
      double l = (G.array() * ctx.score.array()).sum();
      for (int k = 0; k < K; ++k) l += (gt[k]->array() * ctx.score_t[k].array()).sum();
      return l;
    };
    loss(p);
    ClassVec grad = ClassVec::Zero(mlp.num_params());
    mlp.backward(p, ctx, G, gt, grad);
    const Eigen::VectorXd fd = nn_testing::fd_gradient(loss, p);
    CHECK(class_rel_err(grad, fd) < 1e-6);
    // The class embedding's block on its own (the last H × (K + 1) entries): nonzero, and right.
    const Index nc = 8 * (kClassCount + 1);
    CHECK(fd.tail(nc).norm() > 0);
    CHECK(class_rel_err(grad.tail(nc), fd.tail(nc)) < 1e-6);
  }
}

// The input Jacobian of a labelled forward against finite differences of the score in x.
TEST_CASE("class-conditional MLP: the input Jacobian equals finite differences in x") {
  const ClassSetup setup(12, 12);
  const auto& [mlp, p, x, level] = setup;
  ClassMlp::Context ctx;
  Eigen::Matrix<double, 4, Eigen::Dynamic> J;
  mlp.jacobian(p, x, level, ctx, J);
  const auto fd = nn_testing::fd_input_jacobian(mlp, p, x, level, ctx);
  CHECK(class_rel_err(J, fd) < 1e-6);
}
