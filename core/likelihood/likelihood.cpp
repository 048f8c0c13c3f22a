// The probability-flow log-likelihood: [x; Δ] integrated from eps to T per chunk of points.
#include "core/likelihood/likelihood.h"

#include <cmath>
#include <string>

#include "core/common/error.h"

namespace scorelab {

void LikelihoodOptions::validate() const {
  require_in_range("likelihood.steps", steps, 1, 100000);
  require_in_range("likelihood.rtol", rtol, 1e-10, 1.0);
  require_above("likelihood.atol", atol, 0.0);
  require_in_range("likelihood.atol", atol, 0.0, 1e3);
  require_above("likelihood.eps", eps, 0.0);
  require_in_range("likelihood.eps", eps, 0.0, 0.5);
  require_in_range("likelihood.chunk", static_cast<double>(chunk), 1, 1e7);
}

namespace {

using State = Eigen::MatrixXd;  // 3 × n: rows x, y, Δ (nats)

// One chunk: integrates y = [x; 0] from eps to T, leaves log p_eps in out. False if cancelled.
bool solve_chunk(const ScoreModel& model, const Sde& sde, const Points& x,
                 const LikelihoodOptions& o, const Points* probe, Values& out,
                 const LikelihoodControl& control, double done, double share,
                 LikelihoodStats* stats, FlowEnd* end, Index offset) {
  const Index n = x.cols();
  State y(3, n);
  y.topRows(2) = x.cast<double>();
  y.row(2).setZero();
  // Scratch reused by every evaluation: float points for the model, its answers.
  Points xf(2, n), s(2, n), jv;
  Values div(n);
  const auto velocity = [&](double t, const State& state, State& dy) {
    const NoiseLevel lv = sde.level(t);
    xf = state.topRows(2).cast<float>();
    if (probe) {
      model.score(xf, lv, s);
      model.jvp(xf, lv, *probe, jv);  // vᵀ J v per point
      div = (probe->array() * jv.array()).colwise().sum().transpose().matrix();
    } else {
      model.score_and_divergence(xf, lv, s, div);
    }
    const double f = sde.drift_coef(t), g2 = sde.diffusion(t) * sde.diffusion(t);
    dy.resize(3, n);
    dy.topRows(2) = f * state.topRows(2) - 0.5 * g2 * s.cast<double>();
    // ∇·f = D · drift_coef with D = 2; ∇·(−½g² s) = −½g² ∇·s.
    dy.row(2) = (2.0 * f - 0.5 * g2 * div.cast<double>().array()).matrix().transpose();
  };
  // Per-point error control: rtol / atol hold for every point, however many share the solve.
  OdeSolver<State> ode(OdeOptions{o.method, o.steps, o.rtol, o.atol, /*per_column_error=*/true});
  ode.start(o.eps, Sde::T);
  const double span = Sde::T - o.eps;
  while (!ode.done()) {
    if (control.cancel && control.cancel->load(std::memory_order_relaxed)) return false;
    ode.step(velocity, y);
    if (control.progress) control.progress(done + share * (ode.t() - o.eps) / span);
  }
  if (stats) {
    stats->evaluations += ode.evaluations();
    stats->steps += ode.steps_taken();
  }
  const PointsT<double> xT = y.topRows(2);
  if (end) {
    end->x.middleCols(offset, n) = xT;
    end->delta.segment(offset, n) = y.row(2).transpose();
  }
  out = (sde.prior_log_density(xT) + y.row(2).transpose()).cast<float>();
  return true;
}

}  // namespace

bool log_likelihood(const ScoreModel& model, const Sde& sde, const Points& x,
                    const LikelihoodOptions& options, Values& log_p, Rng* rng,
                    const LikelihoodControl& control, LikelihoodStats* stats, FlowEnd* end) {
  options.validate();
  const bool hutchinson = options.divergence == DivergenceMethod::Hutchinson;
  if (!hutchinson && !model.has_divergence())
    throw InputError("this score model has no exact divergence; use likelihood.divergence "
                     "'hutchinson'");
  if (hutchinson && !model.has_jvp())
    throw InputError("this score model has no Jacobian-vector product, which Hutchinson's "
                     "estimate needs; use likelihood.divergence 'exact'");
  if (hutchinson && !rng) throw std::logic_error("log_likelihood: Hutchinson needs an Rng");
  for (Index i = 0; i < x.cols(); ++i)
    if (!x.col(i).allFinite())
      throw InputError("point " + std::to_string(i) + " is not finite (NaN or infinity)");

  const Index n = x.cols();
  log_p.resize(n);
  if (end) end->x.resize(2, n), end->delta.resize(n);
  Points probe;
  Values out;
  for (Index i0 = 0; i0 < n; i0 += options.chunk) {
    const Index m = std::min(options.chunk, n - i0);
    if (hutchinson) {
      // One probe per point, drawn before the solve and held fixed over it.
      probe.resize(2, m);
      rng->fill_normal(probe);
      if (options.probe == ProbeKind::Rademacher)
        probe = probe.unaryExpr([](float z) { return z < 0 ? -1.0f : 1.0f; });
    }
    const double done = static_cast<double>(i0) / n, share = static_cast<double>(m) / n;
    if (!solve_chunk(model, sde, x.middleCols(i0, m), options, hutchinson ? &probe : nullptr, out,
                     control, done, share, stats, end, i0))
      return false;
    log_p.segment(i0, m) = out;
  }
  if (control.progress) control.progress(1.0);
  return true;
}

double mean_nll(const Values& log_p) {
  double sum = 0;
  Index k = 0;
  for (Index i = 0; i < log_p.size(); ++i)
    if (std::isfinite(log_p[i])) sum -= log_p[i], ++k;
  return k > 0 ? sum / k : NAN;
}

}  // namespace scorelab
