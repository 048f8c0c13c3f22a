// The probability-flow log-likelihood: [x; Δ] integrated from eps to T per chunk of points.
#include "core/likelihood/likelihood.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "core/common/error.h"
#include "core/common/thread_pool.h"

namespace scorelab {

double likelihood_start_time(const SdeParams& sde, double t) {
  return std::clamp(t, sde.kind == SdeKind::VE ? 1e-5 : 1e-3, 0.5);
}

void LikelihoodOptions::validate() const {
  require_in_range("likelihood.steps", steps, 1, 100000);
  require_in_range("likelihood.rtol", rtol, 1e-10, 1.0);
  require_above("likelihood.atol", atol, 0.0);
  require_in_range("likelihood.atol", atol, 0.0, 1e3);
  require_above("likelihood.eps", eps, 0.0);
  require_in_range("likelihood.eps", eps, 0.0, 0.5);
  require_in_range("likelihood.chunk", static_cast<double>(chunk), 1, 1e7);
  require_in_range("likelihood.threads", threads, 0, 64);
}

namespace {

using State = Eigen::MatrixXd;  // 3 × n: rows x, y, Δ (nats)

// One chunk: integrates y = [x; 0] from eps to T, leaves log p_eps in out. `stop` is checked
// before every step (true: return false); `fraction` is set to the chunk's progress in t after
// every accepted step, for the calling thread to read.
bool solve_chunk(const ScoreModel& model, const Sde& sde, const PointsT<double>& x,
                 const LikelihoodOptions& o, const Points* probe, ValuesT<double>& out,
                 const std::function<bool()>& stop, std::atomic<float>& fraction,
                 LikelihoodStats& stats, PointsT<double>& xT, ValuesT<double>& delta) {
  const Index n = x.cols();
  State y(3, n);
  y.topRows(2) = x;
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
      model.score_and_divergence(xf, lv, s, div);  // one forward: the score comes with tr J
    }
    const double f = sde.drift_coef(t), g2 = sde.diffusion(t) * sde.diffusion(t);
    dy.resize(3, n);
    dy.topRows(2) = f * state.topRows(2) - 0.5 * g2 * s.cast<double>();
    // ∇·f = D · drift_coef with D = 2; ∇·(−½g² s) = −½g² ∇·s.
    dy.row(2) = (2.0 * f - 0.5 * g2 * div.cast<double>().array()).matrix().transpose();
  };
  // Per-point error control: rtol / atol hold for every point of the chunk.
  OdeSolver<State> ode(OdeOptions{o.method, o.steps, o.rtol, o.atol, /*per_column_error=*/true});
  ode.start(o.eps, Sde::T);
  const double span = Sde::T - o.eps;
  while (!ode.done()) {
    if (stop()) return false;
    ode.step(velocity, y);
    fraction.store(static_cast<float>((ode.t() - o.eps) / span), std::memory_order_relaxed);
  }
  stats.evaluations += ode.evaluations();
  stats.steps += ode.steps_taken();
  xT = y.topRows(2);
  delta = y.row(2).transpose();
  out = log_p_T(sde, xT) + delta;
  return true;
}

}  // namespace

int LikelihoodOptions::thread_count() const {
  if (threads > 0) return threads;
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
}

bool log_likelihood(const ScoreModel& model, const Sde& sde, const PointsT<double>& x,
                    const LikelihoodOptions& options, ValuesT<double>& log_p, Rng* rng,
                    const LikelihoodControl& control, LikelihoodStats* stats, FlowEnd* end) {
  options.validate();
  // The divergence term 2f − ½g² ∇·s needs f and g to t = 1 (Sde::t_max).
  if (sde.t_max() < Sde::T)
    throw InputError("the likelihood integrates the SDE's f and g to t = 1, where noise.sde.kind " +
                     std::string(to_string(sde.kind())) + " is singular: not offered there");
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
  // Hutchinson: one probe per point, drawn here in input order (so the thread count does not
  // change them) and held fixed over the solve.
  Points probe;
  if (hutchinson) {
    probe.resize(2, n);
    rng->fill_normal(probe);
    if (options.probe == ProbeKind::Rademacher)
      probe = probe.unaryExpr([](float z) { return z < 0 ? -1.0f : 1.0f; });
  }

  // Chunks are fixed by the options alone; the pool's threads take them in any order, and a
  // chunk's answer depends only on its own points, so the result does not depend on the thread
  // count. The pool is this call's own: its threads inherit the caller's priority (the window
  // runs this on a lowered background thread), and concurrent calls never share one.
  const Index chunks = (n + options.chunk - 1) / options.chunk;
  std::vector<std::atomic<float>> fraction(static_cast<std::size_t>(chunks));
  for (auto& f : fraction) f.store(0.0f);
  std::atomic<bool> failed{false};
  std::vector<LikelihoodStats> chunk_stats(static_cast<std::size_t>(chunks));
  const auto cancelled = [&] {
    return failed.load(std::memory_order_relaxed) ||
           (control.cancel && control.cancel->load(std::memory_order_relaxed));
  };
  const auto report = [&] {
    if (!control.progress) return;
    double done = 0;
    for (Index c = 0; c < chunks; ++c) {
      const Index m = std::min(options.chunk, n - c * options.chunk);
      done += static_cast<double>(m) * fraction[static_cast<std::size_t>(c)].load(
                                           std::memory_order_relaxed);
    }
    control.progress(done / static_cast<double>(n));
  };
  // One task per chunk. The calling thread reports progress after each of its steps, and every
  // 20 ms while the workers finish their last chunks, so the callback stays on the calling thread.
  const std::thread::id caller = std::this_thread::get_id();
  const std::function<bool()> stop = [&] {
    if (std::this_thread::get_id() == caller) report();
    pass(control.gate);
    return cancelled();
  };
  const auto solve = [&](int task) {
    const Index c = task;
    if (cancelled()) return;
    const Index i0 = c * options.chunk, m = std::min(options.chunk, n - i0);
    const Points* p = nullptr;
    Points chunk_probe;
    if (hutchinson) chunk_probe = probe.middleCols(i0, m), p = &chunk_probe;
    ValuesT<double> out;
    PointsT<double> xT;
    ValuesT<double> delta;
    try {
      if (!solve_chunk(model, sde, x.middleCols(i0, m), options, p, out, stop,
                       fraction[static_cast<std::size_t>(c)],
                       chunk_stats[static_cast<std::size_t>(c)], xT, delta))
        return;
    } catch (...) {
      failed = true;  // the other chunks stop at their next step; the pool rethrows this
      throw;
    }
    log_p.segment(i0, m) = out;  // disjoint columns per chunk: no lock needed
    if (end) end->x.middleCols(i0, m) = xT, end->delta.segment(i0, m) = delta;
  };
  ThreadPool pool(static_cast<int>(
      std::clamp<Index>(options.thread_count(), 1, std::max<Index>(chunks, 1))));
  pool.run(static_cast<int>(chunks), solve, [&] {
    if (!cancelled()) report();
  });
  if (stats)
    for (const LikelihoodStats& st : chunk_stats)
      stats->evaluations += st.evaluations, stats->steps += st.steps;
  if (control.cancel && control.cancel->load()) return false;
  if (control.progress) control.progress(1.0);
  return true;
}

bool log_likelihood(const ScoreModel& model, const Sde& sde, const Points& x,
                    const LikelihoodOptions& options, Values& log_p, Rng* rng,
                    const LikelihoodControl& control, LikelihoodStats* stats, FlowEnd* end) {
  ValuesT<double> lp;
  const bool done =
      log_likelihood(model, sde, x.cast<double>().eval(), options, lp, rng, control, stats, end);
  log_p = lp.cast<float>();
  return done;
}

ValuesT<double> log_p_T(const Sde& sde, const PointsT<double>& x_T, const ScoreModel* exact) {
  if (!exact) return sde.prior_log_density(x_T);
  if (!exact->has_log_density())
    throw InputError("this model has no log-density, so it gives no exact p_T");
  ValuesT<double> out;
  exact->log_density(x_T, sde.level(Sde::T), out);
  return out;
}

template <class S>
double mean_nll(const ValuesT<S>& log_p) {
  double sum = 0;
  Index k = 0;
  for (Index i = 0; i < log_p.size(); ++i)
    if (std::isfinite(log_p[i])) sum -= log_p[i], ++k;
  return k > 0 ? sum / k : NAN;
}
template double mean_nll(const ValuesT<float>&);
template double mean_nll(const ValuesT<double>&);

}  // namespace scorelab
