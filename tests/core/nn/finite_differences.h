// Central finite differences for the network tests (double precision): the gradient of a scalar
// loss in the parameters, and the score's 2×2 input Jacobian. h = 1e-6: truncation error ~h² and
// rounding ~1e-16/h, so a right derivative agrees to a relative error ≪ 1e-6.
#pragma once
#include <Eigen/Core>

#include "core/nn/mlp.h"

namespace scorelab::nn_testing {

// ∂loss/∂p_i for every parameter i; loss(q) evaluates the loss at weights q.
template <class Loss>
Eigen::VectorXd fd_gradient(Loss&& loss, const Eigen::VectorXd& p) {
  Eigen::VectorXd fd(p.size());
  for (Index i = 0; i < p.size(); ++i) {
    Eigen::VectorXd q = p;
    const double h = 1e-6;
    q[i] += h;
    const double lp = loss(q);
    q[i] -= 2 * h;
    fd[i] = (lp - loss(q)) / (2 * h);
  }
  return fd;
}

// The score's input Jacobian per point, laid out as MlpT::jacobian's (4 × N, column-major 2×2).
inline Eigen::Matrix<double, 4, Eigen::Dynamic> fd_input_jacobian(const MlpT<double>& mlp,
                                                                  const Eigen::VectorXd& p,
                                                                  const PointsT<double>& x,
                                                                  const LevelBatch<double>& level,
                                                                  MlpT<double>::Context& ctx) {
  Eigen::Matrix<double, 4, Eigen::Dynamic> fd(4, x.cols());
  for (int axis = 0; axis < 2; ++axis) {
    const double h = 1e-6;
    PointsT<double> xp = x, xm = x;
    xp.row(axis).array() += h;
    xm.row(axis).array() -= h;
    mlp.forward(p, xp, level, ctx);
    const PointsT<double> sp = ctx.score;
    mlp.forward(p, xm, level, ctx);
    fd.middleRows(2 * axis, 2) = (sp - ctx.score) / (2 * h);
  }
  return fd;
}

}  // namespace scorelab::nn_testing
