// Grid fields: log-density, p-weighted score error, statistics and streamlines (see field.h).
#include "core/field/field.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "core/common/error.h"

namespace scorelab {

template <class S>
PointsT<S> Grid::points() const {
  assert(nx >= 1 && ny >= 1);
  PointsT<S> p(2, size());
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const Index k = Index(j) * nx + i;
      p(0, k) = static_cast<S>(x0 + (i + 0.5) * dx());
      p(1, k) = static_cast<S>(y0 + (j + 0.5) * dy());
    }
  return p;
}
template Points Grid::points<float>() const;
template PointsT<double> Grid::points<double>() const;

bool exact_log_density(const ScoreModel& model, const Points& x, const NoiseLevel& level,
                       Values& out) {
  if (!model.has_log_density()) return false;
  model.log_density(x, level, out);
  return true;
}

ErrorField weighted_score_error(const ScoreModel& exact, const ScoreModel& learned,
                                const Points& x, const NoiseLevel& level) {
  const Index n = x.cols();
  Values log_p;
  if (!exact_log_density(exact, x, level, log_p))
    throw InputError("the error field needs an exact model (a mixture or a point set)");
  Points s_exact, s_learned;
  exact.score(x, level, s_exact);
  learned.score(x, level, s_learned);

  // p_i / max p in double (log p spans hundreds of nats far from the data).
  double max_log_p = -INFINITY;
  for (Index i = 0; i < n; ++i)
    if (std::isfinite(log_p[i])) max_log_p = std::max(max_log_p, double(log_p[i]));
  ErrorField e;
  e.per_point = Values::Zero(n);
  std::vector<double> p(n, 0.0), sq(n, 0.0);
  std::vector<bool> ok(n, false);
  double p_sum = 0;
  Index finite = 0;
  for (Index i = 0; i < n; ++i) {
    const double d = (s_learned.col(i) - s_exact.col(i)).cast<double>().squaredNorm();
    ok[i] = std::isfinite(log_p[i]) && std::isfinite(d);
    if (!ok[i]) continue;
    p[i] = std::exp(log_p[i] - max_log_p);
    sq[i] = d;
    p_sum += p[i];
    ++finite;
  }
  e.non_finite = n - finite;
  if (finite == 0 || !(p_sum > 0)) return e;
  double total = 0;
  for (Index i = 0; i < n; ++i) {
    if (!ok[i]) continue;
    const double ei = double(finite) * p[i] / p_sum * sq[i];
    e.per_point[i] = static_cast<float>(ei);
    total += ei;
  }
  e.weighted_mean = total / double(finite);
  return e;
}

ErrorField relative_score_error(const ScoreModel& exact, const ScoreModel& learned,
                                const Points& x, const NoiseLevel& level) {
  const Index n = x.cols();
  Points s_exact, s_learned;
  exact.score(x, level, s_exact);
  learned.score(x, level, s_learned);
  const Values norm = magnitudes(s_exact);
  std::vector<float> finite_norms;
  for (Index i = 0; i < n; ++i)
    if (std::isfinite(norm[i])) finite_norms.push_back(norm[i]);
  ErrorField e;
  e.per_point = Values::Zero(n);
  if (finite_norms.empty()) {
    e.non_finite = n;
    return e;
  }
  std::nth_element(finite_norms.begin(), finite_norms.begin() + finite_norms.size() / 2,
                   finite_norms.end());
  const double delta = std::max(0.05 * finite_norms[finite_norms.size() / 2], 1e-30);
  double total = 0;
  Index finite = 0;
  for (Index i = 0; i < n; ++i) {
    const double d = (s_learned.col(i) - s_exact.col(i)).cast<double>().norm();
    const double ei = d / (double(norm[i]) + delta);
    if (!std::isfinite(ei)) continue;
    e.per_point[i] = static_cast<float>(ei);
    total += ei;
    ++finite;
  }
  e.non_finite = n - finite;
  e.weighted_mean = finite > 0 ? total / double(finite) : 0.0;
  return e;
}

FieldStats value_stats(const Values& v) {
  FieldStats s;
  std::vector<float> finite;
  finite.reserve(v.size());
  for (Index i = 0; i < v.size(); ++i) {
    if (std::isfinite(v[i]))
      finite.push_back(v[i]);
    else
      ++s.non_finite;
  }
  if (finite.empty()) return s;
  const auto [lo, hi] = std::minmax_element(finite.begin(), finite.end());
  s.min = *lo;
  s.max = *hi;
  const auto k = static_cast<std::ptrdiff_t>(0.98 * double(finite.size() - 1));
  std::nth_element(finite.begin(), finite.begin() + k, finite.end());
  s.robust_max = finite[k];
  return s;
}

Values magnitudes(const Points& v) { return v.colwise().norm().transpose(); }

Index replace_non_finite(Values& v, float fill) {
  Index replaced = 0;
  for (Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) {
      v[i] = fill;
      ++replaced;
    }
  return replaced;
}

Index replace_non_finite(Points& v) {
  Index replaced = 0;
  for (Index i = 0; i < v.cols(); ++i)
    if (!std::isfinite(v(0, i)) || !std::isfinite(v(1, i))) {
      v.col(i).setZero();
      ++replaced;
    }
  return replaced;
}

namespace {

// The field at (x, y) by bilinear interpolation between cell centres (clamped at the border).
Eigen::Vector2d sample_bilinear(const Grid& g, const Points& v, double x, double y) {
  const double fx = std::clamp((x - g.x0) / g.dx() - 0.5, 0.0, double(g.nx - 1));
  const double fy = std::clamp((y - g.y0) / g.dy() - 0.5, 0.0, double(g.ny - 1));
  const int i0 = std::min(int(fx), g.nx - 1), j0 = std::min(int(fy), g.ny - 1);
  const int i1 = std::min(i0 + 1, g.nx - 1), j1 = std::min(j0 + 1, g.ny - 1);
  const double ax = fx - i0, ay = fy - j0;
  const auto at = [&](int i, int j) { return v.col(Index(j) * g.nx + i).cast<double>(); };
  return (1 - ay) * ((1 - ax) * at(i0, j0) + ax * at(i1, j0)) +
         ay * ((1 - ax) * at(i0, j1) + ax * at(i1, j1));
}

// The unit direction of the field at p; false where it (nearly) vanishes or is not finite.
bool direction(const Grid& g, const Points& v, double scale, const Eigen::Vector2d& p,
               Eigen::Vector2d& dir) {
  const Eigen::Vector2d f = sample_bilinear(g, v, p.x(), p.y());
  const double norm = f.norm();
  if (!std::isfinite(norm) || norm <= 1e-6 * scale) return false;
  dir = f / norm;
  return true;
}

}  // namespace

std::vector<Points> trace_streamlines(const Grid& grid, const Points& vectors, const Points& seeds,
                                      double step, int max_steps) {
  assert(vectors.cols() == grid.size());
  // "Vanishes" is relative to the field's typical size, so the test is unit-free.
  const double scale = std::max(double(magnitudes(vectors).maxCoeff()), 1e-30);
  const auto inside = [&](const Eigen::Vector2d& p) {
    return p.x() >= grid.x0 && p.x() <= grid.x1 && p.y() >= grid.y0 && p.y() <= grid.y1;
  };
  std::vector<Points> lines;
  lines.reserve(seeds.cols());
  std::vector<Eigen::Vector2d> line;
  for (Index s = 0; s < seeds.cols(); ++s) {
    Eigen::Vector2d p = seeds.col(s).cast<double>();
    line.assign(1, p);
    Eigen::Vector2d d1, d2, prev_dir = Eigen::Vector2d::Zero();
    for (int k = 0; k < max_steps && inside(p); ++k) {
      if (!direction(grid, vectors, scale, p, d1)) break;
      if (!direction(grid, vectors, scale, p + 0.5 * step * d1, d2)) break;
      // A line that turns back on itself has reached a mode and would oscillate there.
      if (d2.dot(prev_dir) < -0.5) break;
      p += step * d2;
      prev_dir = d2;
      line.push_back(p);
    }
    Points out(2, Index(line.size()));
    for (std::size_t i = 0; i < line.size(); ++i) out.col(Index(i)) = line[i].cast<float>();
    lines.push_back(std::move(out));
  }
  return lines;
}

}  // namespace scorelab
