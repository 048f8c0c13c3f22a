// Fields on a grid covering a view rectangle: log-density, score vectors, the p-weighted error
// between two score models, their statistics, and streamlines. Plain arrays in and out (no GL):
// the window uploads them as a texture or as instanced arrows.
#pragma once
#include <vector>

#include "core/common/points.h"
#include "core/score/score_model.h"

namespace scorelab {

// nx × ny cell centres covering [x0, x1] × [y0, y1]. Point k = j·nx + i: x fastest, row j = 0 at
// the bottom, which is the row order glTexImage2D expects.
struct Grid {
  double x0 = -1, y0 = -1, x1 = 1, y1 = 1;  // the rectangle, data units (x0 < x1, y0 < y1)
  int nx = 1, ny = 1;                       // cells per side, ≥ 1

  Index size() const { return Index(nx) * ny; }
  double dx() const { return (x1 - x0) / nx; }  // cell width, data units
  double dy() const { return (y1 - y0) / ny; }
  // 2 × size(), the cell centres, computed in double and then stored as S (float for drawing;
  // double where the centres feed a double computation, the likelihood CLI's --grid).
  template <class S = float>
  PointsT<S> points() const;
  bool operator==(const Grid&) const = default;
};

// log p_level at the columns of x for a model with that capability (the exact ones:
// GaussianMixture, EmpiricalMixture). Returns false, leaving out untouched, for any other model:
// a learned score has no density.
// An EmpiricalMixture needs level.s > 0 (it throws InputError otherwise).
bool exact_log_density(const ScoreModel& model, const Points& x, const NoiseLevel& level,
                       Values& out);

// Where score matching fails: the squared error between two scores weighted by the density,
//   e_i = w_i ‖s_learned(x_i) − s_exact(x_i)‖²,   w_i = n · p(x_i) / Σ_j p(x_j),
// with p = p_level of the exact model. The weights average 1 over the points, so e is in score²
// units (1/data-unit²) and mean(e) = Σ_i p_i ‖Δ_i‖² / Σ_j p_j, the Fisher divergence restricted to
// the points. Points where either score or p is not finite get e_i = 0 and are counted.
struct ErrorField {
  Values per_point;         // n, e_i
  double weighted_mean = 0;  // mean of e_i over the finite points
  Index non_finite = 0;      // points left out
};
// `exact` must have a log-density (see exact_log_density); throws InputError otherwise.
ErrorField weighted_score_error(const ScoreModel& exact, const ScoreModel& learned,
                                const Points& x, const NoiseLevel& level);

// The relative error of the learned score, e_i = ‖s_θ(x_i) − s(x_i)‖ / (‖s(x_i)‖ + δ), unweighted: it
// lights up wherever the model is wrong, data or no data (the low-density pitfall of score
// matching). δ = 5% of the median ‖s‖ over x keeps the ratio finite where the exact score vanishes
// (at a mode's centre). weighted_mean holds the plain mean of e_i.
ErrorField relative_score_error(const ScoreModel& exact, const ScoreModel& learned,
                                const Points& x, const NoiseLevel& level);

// Statistics of a scalar field over its finite values (all zero if none is finite).
struct FieldStats {
  float min = 0, max = 0;
  float robust_max = 0;   // the 98th percentile: a colour scale that one spike cannot flatten
  Index non_finite = 0;   // NaN or infinite entries
};
FieldStats value_stats(const Values& v);

Values magnitudes(const Points& v);  // ‖v_i‖ per column

// Guards before drawing: non-finite entries become `fill` (scalars) or the zero vector (vectors,
// when either coordinate is non-finite). Return how many were replaced.
Index replace_non_finite(Values& v, float fill);
Index replace_non_finite(Points& v);

// Streamlines of a vector field sampled on `grid` (vectors: 2 × grid.size(), e.g. the score
// arrows): from each seed, midpoint steps of length `step` (data units) along the normalised
// field, bilinearly interpolated. A line stops after max_steps, when it leaves the grid's
// rectangle, or where the field vanishes (a mode). Returns one 2 × k polyline per seed (k ≥ 1).
std::vector<Points> trace_streamlines(const Grid& grid, const Points& vectors, const Points& seeds,
                                      double step, int max_steps);

}  // namespace scorelab
