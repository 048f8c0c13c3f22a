// The probability-flow log-likelihood: [x; Δ] integrated from eps to T per chunk of points.
#include "core/likelihood/likelihood.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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
  require_in_range("likelihood.threads", threads, 0, 64);
}

namespace {

using State = Eigen::MatrixXd;  // 3 × n: rows x, y, Δ (nats)

// One chunk: integrates y = [x; 0] from eps to T, leaves log p_eps in out. `stop` is checked
// before every step (true: return false); `fraction` is set to the chunk's progress in t after
// every accepted step, for the calling thread to read.
bool solve_chunk(const ScoreModel& model, const Sde& sde, const Points& x,
                 const LikelihoodOptions& o, const Points* probe, Values& out,
                 const std::function<bool()>& stop, std::atomic<float>& fraction,
                 LikelihoodStats& stats, PointsT<double>& xT, ValuesT<double>& delta) {
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
  out = (sde.prior_log_density(xT) + delta).cast<float>();
  return true;
}

int thread_count(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
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
  // Hutchinson: one probe per point, drawn here in input order (so the thread count does not
  // change them) and held fixed over the solve.
  Points probe;
  if (hutchinson) {
    probe.resize(2, n);
    rng->fill_normal(probe);
    if (options.probe == ProbeKind::Rademacher)
      probe = probe.unaryExpr([](float z) { return z < 0 ? -1.0f : 1.0f; });
  }

  // Chunks are fixed by the options alone; threads take them in any order, and a chunk's
  // answer depends only on its own points, so the result does not depend on the thread count.
  const Index chunks = (n + options.chunk - 1) / options.chunk;
  std::vector<std::atomic<float>> fraction(static_cast<std::size_t>(chunks));
  for (auto& f : fraction) f.store(0.0f);
  std::atomic<Index> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  std::vector<LikelihoodStats> thread_stats;
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
  // One worker: takes chunks until none is left. The calling thread (worker 0) also reports
  // progress after each of its steps, so the callback stays on the calling thread.
  std::atomic<int> running{0};  // helpers still working
  const auto work = [&](int worker, LikelihoodStats& st) {
    const std::function<bool()> stop = [&] {
      if (worker == 0) report();
      pass(control.gate);
      return cancelled();
    };
    Values out;
    PointsT<double> xT;
    ValuesT<double> delta;
    try {
      for (Index c = next++; c < chunks && !cancelled(); c = next++) {
        const Index i0 = c * options.chunk, m = std::min(options.chunk, n - i0);
        const Points* p = nullptr;
        Points chunk_probe;
        if (hutchinson) chunk_probe = probe.middleCols(i0, m), p = &chunk_probe;
        if (!solve_chunk(model, sde, x.middleCols(i0, m), options, p, out, stop,
                         fraction[static_cast<std::size_t>(c)], st, xT, delta))
          return;
        log_p.segment(i0, m) = out;  // disjoint columns per chunk: no lock needed
        if (end) end->x.middleCols(i0, m) = xT, end->delta.segment(i0, m) = delta;
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  const auto helper = [&](int worker, LikelihoodStats& st) {
    work(worker, st);
    --running;
  };
  const int threads = static_cast<int>(std::min<Index>(thread_count(options.threads), chunks));
  thread_stats.resize(static_cast<std::size_t>(std::max(threads, 1)));
  std::vector<std::thread> helpers;
  running = threads - 1;
  for (int w = 1; w < threads; ++w)
    helpers.emplace_back(helper, w, std::ref(thread_stats[static_cast<std::size_t>(w)]));
  work(0, thread_stats[0]);
  // The calling thread keeps the progress moving while the helpers finish their last chunks.
  while (control.progress && running.load() > 0 && !cancelled()) {
    report();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (std::thread& h : helpers) h.join();
  if (error) std::rethrow_exception(error);
  if (stats)
    for (const LikelihoodStats& st : thread_stats)
      stats->evaluations += st.evaluations, stats->steps += st.steps;
  if (control.cancel && control.cancel->load()) return false;
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
