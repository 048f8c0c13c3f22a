// Shared by the distribution tests: finite-difference score and divergence of any batched
// double-precision model, and the test points (spread over the plane, a few far away).
#pragma once
#include <algorithm>
#include <functional>
#include <vector>

#include "core/common/points.h"
#include "core/noise/sde.h"

namespace scorelab::test {

// log p at the columns of x, and the score at the columns of x (both double).
using LogDensityFn = std::function<ValuesT<double>(const PointsT<double>&)>;
using ScoreFn = std::function<PointsT<double>(const PointsT<double>&)>;

// The five-point central stencil f'(x) ≈ (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h has
// truncation error O(h⁴ f⁽⁵⁾) and rounding error O(ε |f| / h). The step is 1e-3 of the model's
// smallest length scale ℓ (each derivative of log p brings a factor up to ~1/ℓ times the
// distance between modes over ℓ): then both errors stay near 1e-9 relative for our models, over
// two orders below the 1e-6 the tests demand. All points at once, per coordinate c.
template <class F>
auto five_point(const F& f, const PointsT<double>& x, int c, double h) {
  auto shifted = [&](double k) {
    PointsT<double> y = x;
    y.row(c).array() += k * h;
    return f(y);
  };
  return decltype(f(x))((shifted(-2) - shifted(2) + 8 * (shifted(1) - shifted(-1))) / (12 * h));
}

// ∂ log p / ∂x_c for c = 0, 1: the finite-difference score, step h (see five_point).
inline PointsT<double> fd_score(const LogDensityFn& log_p, const PointsT<double>& x, double h) {
  PointsT<double> out(2, x.cols());
  for (int c = 0; c < 2; ++c) out.row(c) = five_point(log_p, x, c, h).transpose();
  return out;
}

// Σ_c ∂ score_c / ∂x_c: the finite-difference divergence (trace of the score's Jacobian).
inline ValuesT<double> fd_divergence(const ScoreFn& score, const PointsT<double>& x, double h) {
  ValuesT<double> out = ValuesT<double>::Zero(x.cols());
  for (int c = 0; c < 2; ++c) out += five_point(score, x, c, h).row(c).transpose();
  return out;
}

// Largest per-point error ‖a_i − b_i‖ / max(‖b_i‖, floor): relative where the value is large,
// absolute (in units of floor) where it passes through zero (a mode, a saddle between modes).
template <class A, class B>
double worst_relative_error(const A& a, const B& b, double floor = 1.0) {
  double worst = 0;
  for (Index i = 0; i < a.cols(); ++i)
    worst = std::max(worst, (a.col(i) - b.col(i)).norm() / std::max(b.col(i).norm(), floor));
  return worst;
}

// A 9×9 grid over [−8, 8]² (every mode, the saddles between them, the tails) plus far-away
// points out to 100 data units, where one component dominates and logits are huge.
inline PointsT<double> test_points() {
  PointsT<double> x(2, 81 + 6);
  for (int i = 0; i < 9; ++i)
    for (int j = 0; j < 9; ++j) x.col(9 * i + j) << -8 + 2 * i + 0.1 * j, -8 + 2 * j - 0.07 * i;
  x.rightCols(6) << 30, -30, 0, 100, -70, 12,  //
      25, 40, -100, 0, -70, -45;
  return x;
}

// The levels every exactness test runs at: clean, and VE / VP / sub-VP at t = 0.01, 0.3, 0.9.
inline std::vector<NoiseLevel> test_levels() {
  std::vector<NoiseLevel> out{NoiseLevel::clean()};
  for (SdeKind kind : {SdeKind::VE, SdeKind::VP, SdeKind::SubVP}) {
    SdeParams p;
    p.kind = kind;
    const Sde sde(p);
    for (double t : {0.01, 0.3, 0.9}) out.push_back(sde.level(t));
  }
  return out;
}

}  // namespace scorelab::test
