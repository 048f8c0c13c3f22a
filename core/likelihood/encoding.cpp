// Encoding and decoding through the probability-flow ODE (see encoding.h).
#include "core/likelihood/encoding.h"

#include <atomic>
#include <string>

#include "core/common/error.h"
#include "core/sample/ode.h"
#include "core/sample/probability_flow.h"

namespace scorelab {

namespace {

using State = Eigen::MatrixXd;  // 2 × n

// False when control.cancel stopped it (y then holds an intermediate state).
bool flow(const ScoreModel& model, const Sde& sde, State& y, double from, double to, double tol,
          const LikelihoodControl& control) {
  require_in_range("encoding.tol", tol, 1e-10, 1.0);
  for (Index i = 0; i < y.cols(); ++i)
    if (!y.col(i).allFinite())
      throw InputError("point " + std::to_string(i) + " is not finite (NaN or infinity)");
  Points xf, s;
  // The samplers' field (flow_velocity): on a path whose f and g are frozen near t = 1 (the
  // straight path) the model's own velocity, else f x − ½ g² s with f x kept in double.
  const bool on_velocity = flows_on_velocity(model, sde);
  const auto velocity = [&](double t, const State& state, State& dy) {
    xf = state.cast<float>();
    if (on_velocity) {
      model.velocity(xf, sde.level(t), s);
      dy = s.cast<double>();
      return;
    }
    model.score(xf, sde.level(t), s);
    const double g2 = sde.diffusion(t) * sde.diffusion(t);
    dy = sde.drift_coef(t) * state - 0.5 * g2 * s.cast<double>();
  };
  OdeSolver<State> ode(OdeOptions{OdeMethod::Rk45, 100, tol, tol, /*per_column_error=*/true});
  ode.start(from, to);
  for (;;) {
    if (control.cancel && control.cancel->load(std::memory_order_relaxed)) return false;
    pass(control.gate);
    if (!ode.step(velocity, y)) return true;
    if (control.progress) control.progress((ode.t() - from) / (to - from));
  }
}

void check_eps(double eps) {
  require_above("encoding.eps", eps, 0.0);
  require_in_range("encoding.eps", eps, 0.0, 0.5);
}

}  // namespace

bool encode(const ScoreModel& model, const Sde& sde, const Points& x, double eps, double tol,
            PointsT<double>& codes, const LikelihoodControl& control) {
  check_eps(eps);
  State y = x.cast<double>();
  if (y.cols() > 0 && !flow(model, sde, y, eps, Sde::T, tol, control)) return false;
  codes = y;
  return true;
}

bool decode(const ScoreModel& model, const Sde& sde, const PointsT<double>& codes, double eps,
            double tol, PointsT<double>& x, const LikelihoodControl& control) {
  check_eps(eps);
  State y = codes;
  if (y.cols() > 0 && !flow(model, sde, y, Sde::T, eps, tol, control)) return false;
  x = y;
  return true;
}

}  // namespace scorelab
