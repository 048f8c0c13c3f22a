// One ODE integrator for every flow in scorelab: dy/dt = v(t, y) over a batch.
//
// The state y is a column-major matrix: rows = state dimensions, columns = points, integrated as
// one system (the probability-flow sampler integrates particles as 2 × N Points; a likelihood
// integrates [x; Δ] as 3 × N). Methods: Euler, Heun, RK4 with fixed equal steps, and adaptive
// Dormand–Prince RK45 with the step-size control of scipy's solve_ivp (rtol, atol; the error is
// the RMS over every coordinate of the whole batch, as solve_ivp on the flattened batch, or
// optionally the worst column's RMS, see OdeOptions::per_column_error).
//
// Step-able: start() sets the interval, then each step() makes one accepted step (RK45 retries
// rejected ones inside), so a window can draw y between steps; run() steps to the end.
// Time runs either way: t1 < t0 integrates backwards (noise → data for the probability flow).
//
// Precision: the step sizes and Butcher coefficients are doubles, each rounded once to the state's
// scalar. With a float state RK45 is good to ~1e-7 relative per step (~1e-6 per run), fine for the
// reference rtol = atol = 1e-5, not for tolerances much below 1e-6.
#pragma once
#include <Eigen/Core>

#include "core/common/enum_table.h"
#include <array>
#include <functional>
#include <string_view>

namespace scorelab {

enum class OdeMethod { Euler, Heun, Rk4, Rk45 };


struct OdeOptions {
  OdeMethod method = OdeMethod::Rk45;
  int steps = 100;     // fixed-step methods: equal steps from t0 to t1, ≥ 1
  double rtol = 1e-5;  // RK45 relative tolerance (scipy solve_ivp semantics)
  double atol = 1e-5;  // RK45 absolute tolerance, in the state's units
  // RK45 error norm. false: the RMS over every coordinate of the whole batch (solve_ivp on the
  // flattened batch; one point's error can hide among many). true: the largest per-column RMS,
  // so every column (point) meets rtol / atol as if integrated alone; the batch then takes the
  // steps its hardest point needs. The likelihood uses true (its tolerance is per point).
  bool per_column_error = false;
};

// State: Eigen::Matrix<float or double, rows, Dynamic> (instantiated for Points, Eigen::MatrixXf
// and Eigen::MatrixXd in ode.cpp).
template <class State>
class OdeSolver {
 public:
  // dy = v(t, y); dy has y's shape on return (it may hold anything on entry).
  using Velocity = std::function<void(double t, const State& y, State& dy)>;

  explicit OdeSolver(const OdeOptions& options = {}) : o_(options) {}

  const OdeOptions& options() const { return o_; }

  // Integrate from t0 to t1 (t0 ≠ t1) on the next steps.
  void start(double t0, double t1);
  // One accepted step of y (in place), from t() towards t1; false, y untouched, once at t1.
  // y must be what the previous step left (RK45 reuses its last stage: call start() again after
  // changing y otherwise). Throws std::runtime_error if RK45 finds no acceptable step (a
  // non-finite velocity), leaving done() true.
  bool step(const Velocity& v, State& y);
  // Steps until t1.
  void run(const Velocity& v, State& y);

  bool done() const { return done_; }
  double t() const { return t_; }
  int steps_taken() const { return steps_; }
  int evaluations() const { return nfe_; }  // velocity calls since start()

 private:
  using Scalar = typename State::Scalar;
  void fixed_step(const Velocity& v, State& y, double h);
  void rk45_step(const Velocity& v, State& y);
  double rk45_initial_step(const Velocity& v, const State& y);
  void eval(const Velocity& v, double t, const State& y, State& dy) {
    v(t, y, dy);
    ++nfe_;
  }

  OdeOptions o_;
  double t0_ = 0, t1_ = 0, dir_ = 1;  // interval and its direction (+1 forwards, −1 backwards)
  double t_ = 0;                      // current time
  double h_abs_ = 0;                  // RK45: size of the next step to try; 0 before the first
  int steps_ = 0, nfe_ = 0;
  bool done_ = true;        // until start()
  std::array<State, 7> k_;  // Runge–Kutta stages (RK45 uses all 7, k_[0] = v(t, y))
  State y_, err_, scale_;   // scratch: stage point / candidate, error, error scale
};

// Keys and labels (core/common/enum_table.h).
template <>
struct EnumTable<OdeMethod> {
  static constexpr std::string_view what = "ODE method";
  static constexpr EnumName<OdeMethod> names[] = {
      {OdeMethod::Euler, "euler", "Euler"},
      {OdeMethod::Heun, "heun", "Heun"},
      {OdeMethod::Rk4, "rk4", "RK4"},
      {OdeMethod::Rk45, "rk45", "RK45 (adaptive)"},
  };
};

}  // namespace scorelab
