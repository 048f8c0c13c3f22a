// Log-likelihood of data points through the probability-flow ODE (instantaneous change of
// variables; score_sde likelihood.py get_likelihood_fn, SCORE_SPEC §4).
//
//   dx/dt = f̃(x, t) = f(x, t) − ½ g(t)² s(x, t)
//   dΔ/dt = ∇·f̃  = 2 · drift_coef(t) − ½ g(t)² ∇·s(x, t)            (D = 2)
//   log p_eps(x) = log p_T(x(T)) + Δ(T),   integrated forwards from t = eps (x(eps) = x, Δ = 0).
//
// Units: log-densities in nats, per data-unit² in the plane (no dequantisation, no bits/dim).
// What is computed is the density of the model's p_eps — the data pushed through the kernel at
// t = eps — with the prior N(0, prior_std² I) standing in for p_T (the "prior mismatch": 0.39
// nats on data draws of the default scene, ring8 under VE with σ_max = 10). Where the exact p_T is
// known (the scene's data has a closed form), log_p_T(sde, x(T), &exact) + Δ(T) from FlowEnd
// removes it (the CLI's --prior exact).
// The state is [x; Δ] as a 3 × N double matrix, integrated by the one ODE module (ode.h) as one
// system per chunk of points (32 by default, chunks spread over threads). RK45's step size is
// shared by the chunk, but its error control is per point (OdeOptions::per_column_error): the
// reference's RMS over the flattened batch lets single points miss the tolerance by 10×
// (measured on ring8, 300 points: 8e-3 nats at 1e-5). Points, coefficients and Δ are doubles
// from input to answer; only the score and divergence come from the model in float.
//
// Divergence ∇·s: Exact asks the model's divergence capability (closed form for mixtures, the
// trace of the input Jacobian for the learned MLP). Hutchinson uses vᵀ J v with one Rademacher
// (±1) or Gaussian probe v per point, drawn once and held fixed for the whole solve (the
// reference's choice); it is unbiased (E[vᵀJv] = tr J) but noisy, which is the teaching point.
#pragma once
#include <atomic>
#include <functional>
#include <vector>

#include "core/common/enum_table.h"
#include "core/common/foreground_gate.h"
#include "core/common/points.h"
#include "core/common/rng.h"
#include "core/noise/sde.h"
#include "core/sample/ode.h"
#include "core/score/score_model.h"

namespace scorelab {

enum class DivergenceMethod { Exact, Hutchinson };
enum class ProbeKind { Rademacher, Gaussian };

struct LikelihoodOptions {
  OdeMethod method = OdeMethod::Rk45;  // Rk45 (adaptive) or a fixed-step method (Rk4, ...)
  int steps = 100;                     // fixed-step methods: steps from eps to T, 1 to 100000
  double rtol = 1e-5;                  // RK45 relative tolerance, in [1e-10, 1]
  double atol = 1e-5;                  // RK45 absolute tolerance (data units and nats), (0, 1e3]
  double eps = 1e-5;                   // start time t of the data end, (0, 0.5] (reference 1e-5)
  DivergenceMethod divergence = DivergenceMethod::Exact;
  ProbeKind probe = ProbeKind::Rademacher;  // Hutchinson's probe distribution
  // Points integrated as one ODE system, sharing RK45's step size, ≥ 1. Small chunks let every
  // point take about the steps it needs itself (the batch takes those of its hardest point:
  // 128×128 learned map at 1e-5, 4096 → 182 evaluations per chunk, 32 → 126); 32 keeps the
  // network's batch wide enough to be efficient.
  Index chunk = 32;
  // Threads over chunks (0: the machine's cores, at most 8). The chunks do not depend on it, and
  // nor does any result: a point's answer depends only on its own chunk.
  int threads = 0;
  bool operator==(const LikelihoodOptions&) const = default;

  int thread_count() const;  // the threads a run uses: `threads`, or for 0 the cores (at most 8)

  void validate() const;  // throws InputError naming "likelihood.<field>" and its range
};

// The start time of a likelihood of level t (a map of log p_t): t itself, but at least the
// reference's sampling eps (1e-5 VE, 1e-3 VP / sub-VP, whose s(t) → 0 makes the score singular
// at t = 0) and at most 0.5 (LikelihoodOptions::eps's limit; a picture says which t it is of).
double likelihood_start_time(const SdeParams& sde, double t);

// How a long run reports and stops (the window runs it as a background job).
struct LikelihoodControl {
  // Called often (after the calling thread's ODE steps, and every 20 ms while helper threads
  // finish) with the fraction done in [0, 1], non-decreasing (each chunk's points weighted by its
  // progress in t). From the calling thread. May be empty.
  std::function<void(double fraction)> progress;
  // Checked before every ODE step; when it reads true the run stops and returns false.
  const std::atomic<bool>* cancel = nullptr;
  // Passed by every worker before every ODE step (null: never waits).
  const ForegroundGate* gate = nullptr;
};

struct LikelihoodStats {
  long evaluations = 0;  // velocity evaluations (each: one score + one divergence or JVP call)
  long steps = 0;        // accepted ODE steps, summed over chunks (as are evaluations)
};

// Where the flow ended, per point: x(T) (data units) and Δ(T) = ∫_eps^T ∇·f̃ dt (nats), so that
// log p_eps(x) = log p_T(x(T)) + Δ(T) for any p_T. log_likelihood uses the SDE's prior for p_T;
// a caller that knows the exact p_T puts it in instead (log_p_T below) and so separates the ODE's
// error from the prior mismatch.
struct FlowEnd {
  PointsT<double> x;       // 2 × N
  ValuesT<double> delta;   // N
};

// log_p[i] = log p_eps(x.col(i)) in nats (resized to N), in input order.
// `rng` draws Hutchinson's probes (unused, may be null, for Exact). Throws InputError for bad
// options, a non-finite point, or a model without the capability the method needs (divergence
// for Exact, jvp for Hutchinson); std::runtime_error if RK45 finds no acceptable step.
// Returns false if cancelled (log_p then holds only the chunks finished before).
// The double entry is the solver; the float one widens x, calls it and rounds log_p to float
// (the window's maps and the bench, where float suffices).
bool log_likelihood(const ScoreModel& model, const Sde& sde, const PointsT<double>& x,
                    const LikelihoodOptions& options, ValuesT<double>& log_p, Rng* rng = nullptr,
                    const LikelihoodControl& control = {}, LikelihoodStats* stats = nullptr,
                    FlowEnd* end = nullptr);
bool log_likelihood(const ScoreModel& model, const Sde& sde, const Points& x,
                    const LikelihoodOptions& options, Values& log_p, Rng* rng = nullptr,
                    const LikelihoodControl& control = {}, LikelihoodStats* stats = nullptr,
                    FlowEnd* end = nullptr);

// log p_T(x_T) in nats for flow ends x_T (2 × N, data units), resized to N. With `exact` null:
// the SDE's prior N(0, prior_std² I), what log_likelihood adds. Otherwise exact's log-density at
// sde.level(T) in double — the true p_T when exact is the data's exact model, so that
// log_p_T + Δ is log p_eps up to the ODE's error alone. Throws InputError if exact has no
// log-density.
ValuesT<double> log_p_T(const Sde& sde, const PointsT<double>& x_T,
                        const ScoreModel* exact = nullptr);

// Mean negative log-likelihood in nats over the finite entries of log_p (NaN if none), summed in
// double; for float or double log_p.
template <class S>
double mean_nll(const ValuesT<S>& log_p);

template <>
struct EnumTable<DivergenceMethod> {
  static constexpr std::string_view what = "divergence";
  static constexpr EnumName<DivergenceMethod> names[] = {
      {DivergenceMethod::Exact, "exact", "exact"},
      {DivergenceMethod::Hutchinson, "hutchinson", "Hutchinson"},
  };
};

template <>
struct EnumTable<ProbeKind> {
  static constexpr std::string_view what = "probe";
  static constexpr EnumName<ProbeKind> names[] = {
      {ProbeKind::Rademacher, "rademacher", "Rademacher"},
      {ProbeKind::Gaussian, "gaussian", "Gaussian"},
  };
};

}  // namespace scorelab
