// Encoding and decoding through the probability-flow ODE (see encoding.h).
#include "core/likelihood/encoding.h"

#include <string>

#include "core/common/error.h"
#include "core/sample/ode.h"

namespace scorelab {

namespace {

using State = Eigen::MatrixXd;  // 2 × n

void flow(const ScoreModel& model, const Sde& sde, State& y, double from, double to, double tol) {
  require_in_range("encoding.tol", tol, 1e-10, 1.0);
  for (Index i = 0; i < y.cols(); ++i)
    if (!y.col(i).allFinite())
      throw InputError("point " + std::to_string(i) + " is not finite (NaN or infinity)");
  Points xf, s;
  const auto velocity = [&](double t, const State& state, State& dy) {
    xf = state.cast<float>();
    model.score(xf, sde.level(t), s);
    const double g2 = sde.diffusion(t) * sde.diffusion(t);
    dy = sde.drift_coef(t) * state - 0.5 * g2 * s.cast<double>();
  };
  OdeSolver<State> ode(OdeOptions{OdeMethod::Rk45, 100, tol, tol, /*per_column_error=*/true});
  ode.start(from, to);
  ode.run(velocity, y);
}

void check_eps(double eps) {
  require_above("encoding.eps", eps, 0.0);
  require_in_range("encoding.eps", eps, 0.0, 0.5);
}

}  // namespace

void encode(const ScoreModel& model, const Sde& sde, const Points& x, double eps, double tol,
            PointsT<double>& codes) {
  check_eps(eps);
  State y = x.cast<double>();
  if (y.cols() > 0) flow(model, sde, y, eps, Sde::T, tol);
  codes = y;
}

void decode(const ScoreModel& model, const Sde& sde, const PointsT<double>& codes, double eps,
            double tol, PointsT<double>& x) {
  check_eps(eps);
  State y = codes;
  if (y.cols() > 0) flow(model, sde, y, Sde::T, eps, tol);
  x = y;
}

}  // namespace scorelab
