// Euler, Heun, RK4 and adaptive Dormand–Prince RK45 over a batch state (see ode.h).
#include "core/sample/ode.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/common/points.h"

namespace scorelab {
namespace {

// Dormand–Prince 5(4) tableau, as scipy.integrate RK45 (C, A, B, E).
constexpr double kC[6] = {0.0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1.0};
constexpr double kA[6][5] = {
    {0, 0, 0, 0, 0},
    {1.0 / 5, 0, 0, 0, 0},
    {3.0 / 40, 9.0 / 40, 0, 0, 0},
    {44.0 / 45, -56.0 / 15, 32.0 / 9, 0, 0},
    {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729, 0},
    {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656}};
constexpr double kB[6] = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84};
constexpr double kE[7] = {-71.0 / 57600,    0,           71.0 / 16695, -71.0 / 1920,
                          17253.0 / 339200, -22.0 / 525, 1.0 / 40};
// scipy's step-size controller; the error estimator has order 4, so factors go as err^(−1/5).
constexpr double kSafety = 0.9, kMinFactor = 0.2, kMaxFactor = 10.0, kErrorExponent = -0.2;
// Rejections in a row before giving up (scipy has no cap; a non-finite velocity would loop
// forever).
constexpr int kMaxRejections = 100;

// RMS over every coordinate of the batch of (v / scale), as scipy's norm(·) / √size.
template <class State>
double rms(const State& v, const State& scale) {
  if (v.size() == 0) return 0.0;
  return std::sqrt((v.array() / scale.array()).square().template cast<double>().sum() /
                   static_cast<double>(v.size()));
}

// The largest RMS of one column (one point) of v / scale.
template <class State>
double max_column_rms(const State& v, const State& scale) {
  if (v.size() == 0) return 0.0;
  const auto per_column =
      (v.array() / scale.array()).square().template cast<double>().colwise().sum();
  if (!per_column.allFinite()) return std::numeric_limits<double>::quiet_NaN();  // reject
  return std::sqrt(per_column.maxCoeff() / static_cast<double>(v.rows()));
}

}  // namespace

template <class State>
void OdeSolver<State>::start(double t0, double t1) {
  assert(t0 != t1);
  assert(o_.steps >= 1);
  t0_ = t0;
  t1_ = t1;
  dir_ = t1 > t0 ? 1.0 : -1.0;
  t_ = t0;
  h_abs_ = 0.0;
  steps_ = 0;
  nfe_ = 0;
  done_ = false;
}

template <class State>
bool OdeSolver<State>::step(const Velocity& v, State& y) {
  if (done_) return false;
  if (o_.method == OdeMethod::Rk45) {
    rk45_step(v, y);
  } else {
    // Equal steps h; the last one lands on t1 exactly (no accumulated rounding in t).
    const double h = (t1_ - t0_) / o_.steps;
    const int j = steps_;
    const double t_next = j + 1 == o_.steps ? t1_ : t0_ + (j + 1) * h;
    fixed_step(v, y, h);
    t_ = t_next;
  }
  ++steps_;
  if (t_ == t1_) done_ = true;
  return true;
}

template <class State>
void OdeSolver<State>::run(const Velocity& v, State& y) {
  while (step(v, y)) {
  }
}

template <class State>
void OdeSolver<State>::fixed_step(const Velocity& v, State& y, double h) {
  auto& k = k_;
  const Scalar hs = static_cast<Scalar>(h);
  const double t = t_;
  eval(v, t, y, k[0]);
  switch (o_.method) {
    case OdeMethod::Euler:
      y += hs * k[0];
      break;
    case OdeMethod::Heun:
      y_ = y + hs * k[0];
      eval(v, t + h, y_, k[1]);
      y += (Scalar(0.5) * hs) * (k[0] + k[1]);
      break;
    case OdeMethod::Rk4:
      y_ = y + (Scalar(0.5) * hs) * k[0];
      eval(v, t + 0.5 * h, y_, k[1]);
      y_ = y + (Scalar(0.5) * hs) * k[1];
      eval(v, t + 0.5 * h, y_, k[2]);
      y_ = y + hs * k[2];
      eval(v, t + h, y_, k[3]);
      y += (hs / Scalar(6)) * (k[0] + Scalar(2) * k[1] + Scalar(2) * k[2] + k[3]);
      break;
    case OdeMethod::Rk45:
      break;  // adaptive: rk45_step
  }
}

// scipy's select_initial_step (order 4), with f0 = k_[0] at (t_, y). One extra evaluation.
template <class State>
double OdeSolver<State>::rk45_initial_step(const Velocity& v, const State& y) {
  const double interval = std::abs(t1_ - t_);
  const State& f0 = k_[0];
  scale_ = (static_cast<Scalar>(o_.atol) + static_cast<Scalar>(o_.rtol) * y.array().abs()).matrix();
  const double d0 = rms(y, scale_), d1 = rms(f0, scale_);
  double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
  h0 = std::min(h0, interval);
  y_ = y + static_cast<Scalar>(h0 * dir_) * f0;
  eval(v, t_ + h0 * dir_, y_, k_[1]);
  err_ = k_[1] - f0;
  const double d2 = rms(err_, scale_) / h0;
  const double h1 = d1 <= 1e-15 && d2 <= 1e-15 ? std::max(1e-6, h0 * 1e-3)
                                               : std::pow(0.01 / std::max(d1, d2), 0.2);
  return std::min({100 * h0, h1, interval});
}

// One accepted Dormand–Prince step (scipy RK45._step_impl), retrying rejected ones.
template <class State>
void OdeSolver<State>::rk45_step(const Velocity& v, State& y) {
  auto& k = k_;
  if (h_abs_ == 0.0) {  // first step of a run: v at the start, then the initial step size
    eval(v, t_, y, k[0]);
    h_abs_ = rk45_initial_step(v, y);
  }
  // scipy: never try less than 10 ulps of t, and fail once rejections shrink below that.
  const double min_step =
      10.0 * std::abs(std::nextafter(t_, dir_ * std::numeric_limits<double>::infinity()) - t_);
  h_abs_ = std::max(h_abs_, min_step);
  bool rejected = false;
  for (int attempt = 0;; ++attempt) {
    if (h_abs_ < min_step || attempt > kMaxRejections) {
      done_ = true;
      throw std::runtime_error("RK45: no acceptable step at t = " + std::to_string(t_) +
                               " (is the velocity finite?)");
    }
    double t_new = t_ + h_abs_ * dir_;
    if (dir_ * (t_new - t1_) > 0) t_new = t1_;
    const double h = t_new - t_;
    h_abs_ = std::abs(h);

    // Stages 1..5, then y_new and the FSAL stage 6 = v(t + h, y_new).
    for (int s = 1; s < 6; ++s) {
      y_ = y;
      for (int j = 0; j < s; ++j)
        if (kA[s][j] != 0.0) y_ += static_cast<Scalar>(h * kA[s][j]) * k[j];
      eval(v, t_ + kC[s] * h, y_, k[s]);
    }
    y_ = y;
    for (int j = 0; j < 6; ++j)
      if (kB[j] != 0.0) y_ += static_cast<Scalar>(h * kB[j]) * k[j];
    eval(v, t_new, y_, k[6]);

    err_ = static_cast<Scalar>(h * kE[0]) * k[0];
    for (int j = 2; j < 7; ++j) err_ += static_cast<Scalar>(h * kE[j]) * k[j];  // kE[1] = 0
    scale_ = (static_cast<Scalar>(o_.atol) +
              static_cast<Scalar>(o_.rtol) * y.array().abs().max(y_.array().abs()))
                 .matrix();
    const double err = o_.per_column_error ? max_column_rms(err_, scale_) : rms(err_, scale_);

    if (err < 1.0) {  // accept
      double factor =
          err == 0.0 ? kMaxFactor : std::min(kMaxFactor, kSafety * std::pow(err, kErrorExponent));
      if (rejected) factor = std::min(1.0, factor);
      h_abs_ *= factor;
      y.swap(y_);
      k[0].swap(k[6]);  // first same as last
      t_ = t_new;
      return;
    }
    // Reject (a NaN error lands here too, and shrinks the step until the cap).
    const double shrink = std::isfinite(err) ? kSafety * std::pow(err, kErrorExponent) : 0.0;
    h_abs_ *= std::max(kMinFactor, shrink);
    rejected = true;
  }
}

template class OdeSolver<Points>;
template class OdeSolver<Eigen::MatrixXf>;
template class OdeSolver<Eigen::MatrixXd>;

}  // namespace scorelab
